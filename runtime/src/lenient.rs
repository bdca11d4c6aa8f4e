//! Lenient decoding of scalar fields, as lenient as the vendors' own SDKs: a string field
//! accepts a JSON number or boolean (an integer kept as its digits, a fractional number as
//! the shortest text of its double, so `1.50` becomes `1.5`), and a number or boolean field
//! accepts a string holding one, a list accepts a single value (as a list of one), and an
//! object accepts a list holding just that object. The edges are pinned by
//! `tests/tests/lenient_numbers.rs`. Generated structs implement [`Lenient`]
//! through [`object`] and [`optional_object`], generated string enums through
//! [`string_enum`] and [`optional_enum`], and their fields use [`deserialize`].

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A type that decodes leniently. Implemented for the scalar types of the generated
/// crates and for `Option`, `Vec` and string-keyed `BTreeMap`s of them.
pub trait Lenient: Sized {
    /// Decodes `Self`, accepting the other JSON scalar kinds where they carry the value.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// Decodes an optional `Self`: `null` is `None`, anything else is decoded as `Self`.
    ///
    /// The default asks the deserializer for an option first; the types whose decoder
    /// takes any JSON value override it to ask once, with a visitor that also takes
    /// `null`, which saves a dispatch on every optional field.
    fn deserialize_optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

/// A visitor of `Option<V::Value>`: `null` (a unit or a none) is `None`, every other value
/// goes to `V`. Used with `deserialize_any`, it decodes an optional value in one dispatch.
struct Optional<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Optional<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(", or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self.0).map(Some)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.0.visit_bool(v).map(Some)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.0.visit_i64(v).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.0.visit_u64(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.0.visit_f64(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.0.visit_str(v).map(Some)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.0.visit_borrowed_str(v).map(Some)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.0.visit_string(v).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(seq).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map).map(Some)
    }
}

/// Decodes any [`Lenient`] type; use as `#[serde(deserialize_with = "…::lenient::deserialize")]`.
pub fn deserialize<'de, D: Deserializer<'de>, T: Lenient>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_lenient(deserializer)
}

/// Wraps a lenient value so that it can be decoded by serde's own containers.
struct Wrap<T>(T);

impl<'de, T: Lenient> Deserialize<'de> for Wrap<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(deserializer).map(Wrap)
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (or a number or boolean standing for one)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        serde_json::Number::from_f64(v)
            .map(|n| n.to_string())
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StringVisitor)
    }

    fn deserialize_optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_any(Optional(StringVisitor))
    }
}

/// Accepts integers, integral floats and strings holding an integer.
struct IntVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for IntVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer (or a string holding one)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("integer {v} is out of range")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("integer {v} is out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            self.visit_i64(v as i64)
        } else {
            Err(E::custom(format!("{v} is not an integer")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        match v.trim().parse::<i64>() {
            Ok(n) => self.visit_i64(n),
            Err(_) => Err(E::custom(format!("`{v}` is not an integer"))),
        }
    }
}

macro_rules! lenient_int {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntVisitor::<$ty>(PhantomData))
            }

            fn deserialize_optional<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Self>, D::Error> {
                deserializer.deserialize_any(Optional(IntVisitor::<$ty>(PhantomData)))
            }
        }
    )*};
}

lenient_int!(i32, i64);

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number (or a string holding one)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| E::custom(format!("`{v}` is not a number")))
    }
}

impl Lenient for f64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }

    fn deserialize_optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_any(Optional(FloatVisitor))
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean (or the string `true` or `false`)")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v.trim() {
            s if s.eq_ignore_ascii_case("true") => Ok(true),
            s if s.eq_ignore_ascii_case("false") => Ok(false),
            _ => Err(E::custom(format!("`{v}` is not a boolean"))),
        }
    }
}

impl Lenient for bool {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoolVisitor)
    }

    fn deserialize_optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_any(Optional(BoolVisitor))
    }
}

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an optional value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::deserialize_lenient(deserializer).map(Some)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_optional(deserializer)
    }
}

struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> SeqVisitor<T> {
    fn one<D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        T::deserialize_lenient(deserializer).map(|item| vec![item])
    }
}

impl<'de, T: Lenient> Visitor<'de> for SeqVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list (or a single value standing for a list of one)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::one(de::value::StrDeserializer::new(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::one(de::value::I64Deserializer::new(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::one(de::value::U64Deserializer::new(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::one(de::value::F64Deserializer::new(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::one(de::value::BoolDeserializer::new(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Self::one(de::value::MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Wrap(item)) = seq.next_element::<Wrap<T>>()? {
            items.push(item);
        }
        Ok(items)
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SeqVisitor(PhantomData))
    }

    fn deserialize_optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        deserializer.deserialize_any(Optional(SeqVisitor(PhantomData)))
    }
}

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for MapVisitor<T> {
    type Value = BTreeMap<String, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, Wrap(value))) = map.next_entry::<String, Wrap<T>>()? {
            out.insert(key, value);
        }
        Ok(out)
    }
}

impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// A generated struct, decoded field by field from a JSON object. Generated code
/// implements it instead of deriving `Deserialize`: one small generic function per struct
/// compiles much faster than serde's derive with a lenient decoder on every field.
pub trait Object: Sized {
    /// The index of the field whose wire name (or alias) is `key`, `None` for a key the
    /// type does not know. Generated as a `match` on the names, which the compiler turns
    /// into a comparison by length first, as serde's derive does.
    fn field(key: &str) -> Option<usize>;

    /// Decodes the fields of an object. Keys are read with [`Key`], values with
    /// [`read_optional`] and [`read_required`]; unknown keys are skipped.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads an object key as the index of `T`'s field ([`Object::field`]).
pub struct Key<T>(PhantomData<T>);

impl<T> Key<T> {
    /// The key seed of `T`'s objects.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Object> de::DeserializeSeed<'de> for Key<T> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: Object> Visitor<'_> for Key<T> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(T::field(v))
    }
}

/// Reads a value leniently as `T`.
struct Seed<T>(PhantomData<T>);

impl<T> Seed<T> {
    /// The seed of a `T`.
    fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Lenient> de::DeserializeSeed<'de> for Seed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_lenient(deserializer)
    }
}

/// Reads the value of an optional field leniently into its slot (a repeated key replaces
/// the earlier value, as with serde's derive).
///
/// Generated `from_map`s call this (and [`read_required`]) instead of decoding inline: the
/// slots then stay in memory rather than in registers that the key loop shuffles on every
/// key, which made decoding a struct of many fields markedly slower than serde's derive,
/// and one copy per value type is shared by every struct.
#[inline(never)]
pub fn read_optional<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(Seed::<Option<T>>::new())?;
    Ok(())
}

/// Reads the value of a required field leniently into its slot; see [`read_optional`].
#[inline(never)]
pub fn read_required<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value_seed(Seed::<T>::new())?);
    Ok(())
}

/// The value of a required field, or serde's "missing field" error.
pub fn required<T, E: de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}

/// Accepts an object, or a list holding exactly one object, as `T` (a generated struct).
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object (or a list holding exactly one)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let item = seq
            .next_element_seed(ObjectSeed::<T>(PhantomData))?
            .ok_or_else(|| de::Error::custom("an empty list where one object is expected"))?;
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(
                "a list of several items where one object is expected",
            ));
        }
        Ok(item)
    }
}

/// Reads exactly an object as `T` (the element of a list standing for one object).
struct ObjectSeed<T>(PhantomData<T>);

impl<'de, T: Object> de::DeserializeSeed<'de> for ObjectSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(MapOnly(PhantomData))
    }
}

struct MapOnly<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for MapOnly<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Decodes a generated struct leniently: an object, or a list holding exactly one object.
pub fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(ObjectVisitor(PhantomData))
}

/// Decodes an optional generated struct leniently: `null`, or what [`object`] accepts.
pub fn optional_object<'de, D: Deserializer<'de>, T: Object>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_any(Optional(ObjectVisitor(PhantomData)))
}

/// Reads a generated string enum from what `String` accepts. A value the enum knows is
/// matched from the borrowed text, without allocating a `String` first.
struct EnumVisitor<T>(PhantomData<T>);

impl<T: for<'a> From<&'a str> + From<String>> Visitor<'_> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        StringVisitor.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        StringVisitor.visit_i64(v).map(T::from)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        StringVisitor.visit_u64(v).map(T::from)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        StringVisitor.visit_f64(v).map(T::from)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        StringVisitor.visit_bool(v).map(T::from)
    }
}

/// Decodes a generated string enum leniently: what `String` accepts, kept as the enum's
/// `Unknown` variant when the enum does not know it.
pub fn string_enum<'de, D: Deserializer<'de>, T: for<'a> From<&'a str> + From<String>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(EnumVisitor(PhantomData))
}

/// Decodes an optional generated string enum leniently: `null`, or what [`string_enum`]
/// accepts.
pub fn optional_enum<'de, D: Deserializer<'de>, T: for<'a> From<&'a str> + From<String>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_any(Optional(EnumVisitor(PhantomData)))
}

impl Lenient for serde_json::Value {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode<T: Lenient>(json: &str) -> Result<T, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        T::deserialize_lenient(&mut de)
    }

    #[test]
    fn strings_accept_numbers_and_booleans() {
        assert_eq!(decode::<String>("\"4\"").unwrap(), "4");
        assert_eq!(decode::<String>("16").unwrap(), "16");
        assert_eq!(decode::<String>("-2").unwrap(), "-2");
        assert_eq!(decode::<String>("1.5").unwrap(), "1.5");
        assert_eq!(decode::<String>("true").unwrap(), "true");
        assert!(decode::<String>("[1]").is_err());
    }

    #[test]
    fn numbers_accept_numeric_strings() {
        assert_eq!(decode::<i32>("\" 42 \"").unwrap(), 42);
        assert_eq!(decode::<i64>("42").unwrap(), 42);
        assert_eq!(decode::<i32>("3.0").unwrap(), 3);
        assert!(decode::<i32>("3.5").is_err());
        assert!(decode::<i32>("\"4x\"").is_err());
        assert!(decode::<i32>("4294967296").is_err());
        assert_eq!(decode::<f64>("\"2.5\"").unwrap(), 2.5);
        assert!(decode::<f64>("\"NaN\"").is_err());
    }

    /// What generated code writes for a struct with one required field and an alias.
    #[derive(Debug, PartialEq)]
    struct Item {
        id: String,
    }

    impl Object for Item {
        fn field(key: &str) -> Option<usize> {
            match key {
                "id" | "ID" => Some(0),
                _ => None,
            }
        }

        fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id = None;
            while let Some(key) = map.next_key_seed(Key::<Self>::new())? {
                match key {
                    Some(0) => read_required(&mut map, &mut id)?,
                    _ => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
            }
            Ok(Self {
                id: required(id, "id")?,
            })
        }
    }

    #[test]
    fn objects_read_known_fields_and_aliases_and_skip_the_rest() {
        let one = Item { id: "7".into() };
        assert_eq!(decode::<Item>("{\"x\": [1, {}], \"id\": 7}").unwrap(), one);
        assert_eq!(decode::<Item>("{\"ID\": \"7\"}").unwrap(), one);
        let missing = decode::<Item>("{\"x\": 1}").unwrap_err().to_string();
        assert!(missing.contains("missing field `id`"), "{missing}");
        assert!(decode::<Item>("\"7\"").is_err());
    }

    impl Lenient for Item {
        fn deserialize_lenient<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            object(deserializer)
        }

        fn deserialize_optional<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Self>, D::Error> {
            optional_object(deserializer)
        }
    }

    /// A string enum as generated: unknown values are kept.
    #[derive(Debug, PartialEq)]
    struct Kind(String);

    impl From<String> for Kind {
        fn from(value: String) -> Self {
            Self(value)
        }
    }

    impl From<&str> for Kind {
        fn from(value: &str) -> Self {
            Self(value.to_owned())
        }
    }

    /// Optional values are decoded in one dispatch (`Optional`) for every type that
    /// overrides `deserialize_optional`, and through `deserialize_option` for the rest; both
    /// must accept exactly what the type accepts, plus `null`.
    #[test]
    fn optional_values_accept_null_and_what_their_type_accepts() {
        assert_eq!(decode::<Option<String>>("null").unwrap(), None);
        assert_eq!(
            decode::<Option<String>>("false").unwrap(),
            Some("false".into())
        );
        assert_eq!(decode::<Option<i32>>("\"4\"").unwrap(), Some(4));
        assert_eq!(decode::<Option<i64>>("null").unwrap(), None);
        assert_eq!(decode::<Option<f64>>("\"2.5\"").unwrap(), Some(2.5));
        assert_eq!(decode::<Option<bool>>("\"TRUE\"").unwrap(), Some(true));
        assert_eq!(decode::<Option<Vec<String>>>("null").unwrap(), None);
        assert_eq!(
            decode::<Option<Vec<String>>>("\"one\"").unwrap(),
            Some(vec!["one".to_owned()])
        );
        assert_eq!(decode::<Option<Item>>("null").unwrap(), None);
        assert_eq!(
            decode::<Option<Item>>("[{\"id\": 1}]").unwrap(),
            Some(Item { id: "1".into() })
        );
        assert_eq!(
            decode::<Option<BTreeMap<String, i32>>>("{\"a\": \"1\"}")
                .unwrap()
                .map(|map| map["a"]),
            Some(1)
        );
        let mut de = serde_json::Deserializer::from_str("7");
        assert_eq!(
            optional_enum::<_, Kind>(&mut de).unwrap(),
            Some(Kind("7".into()))
        );
        let mut de = serde_json::Deserializer::from_str("null");
        assert_eq!(optional_enum::<_, Kind>(&mut de).unwrap(), None);
        for (json, kind) in [
            ("\"a\"", "a"),
            ("\"a\\\"b\"", "a\"b"),
            ("true", "true"),
            ("-1.5", "-1.5"),
        ] {
            let mut de = serde_json::Deserializer::from_str(json);
            assert_eq!(string_enum::<_, Kind>(&mut de).unwrap(), Kind(kind.into()));
        }
        let mut de = serde_json::Deserializer::from_str("[\"a\"]");
        let error = string_enum::<_, Kind>(&mut de).unwrap_err().to_string();
        assert_eq!(error, decode::<String>("[\"a\"]").unwrap_err().to_string());
        // A value of the wrong kind is the error its type gives without the option.
        let error = decode::<Option<String>>("[1]").unwrap_err().to_string();
        assert_eq!(error, decode::<String>("[1]").unwrap_err().to_string());
        assert!(error.contains("expected a string"), "{error}");
        let error = decode::<Option<i32>>("\"x\"").unwrap_err().to_string();
        assert!(error.contains("`x` is not an integer"), "{error}");
        assert!(decode::<Option<Item>>("[]").is_err());
        assert!(decode::<Option<bool>>("{}").is_err());
    }

    #[test]
    fn objects_and_lists_of_one_stand_for_each_other() {
        let one = Item { id: "a".into() };
        assert_eq!(decode::<Item>("{\"id\": \"a\"}").unwrap(), one);
        assert_eq!(decode::<Item>("[{\"id\": \"a\"}]").unwrap(), one);
        assert!(decode::<Item>("[]").is_err());
        assert!(decode::<Item>("[{\"id\": \"a\"}, {\"id\": \"b\"}]").is_err());
        assert_eq!(
            decode::<Vec<Item>>("{\"id\": \"a\"}").unwrap(),
            vec![Item { id: "a".into() }]
        );
        assert_eq!(
            decode::<Option<Vec<Item>>>("[{\"id\": \"a\"}]")
                .unwrap()
                .map(|v| v.len()),
            Some(1)
        );
    }

    #[test]
    fn booleans_accept_boolean_strings() {
        assert!(decode::<bool>("\"true\"").unwrap());
        assert!(!decode::<bool>("\"FALSE\"").unwrap());
        assert!(decode::<bool>("\"yes\"").is_err());
    }

    #[test]
    fn containers_are_lenient_inside() {
        assert_eq!(decode::<Option<String>>("null").unwrap(), None);
        assert_eq!(decode::<Option<String>>("7").unwrap(), Some("7".into()));
        assert_eq!(decode::<Vec<i64>>("[1, \"2\"]").unwrap(), vec![1, 2]);
        assert_eq!(
            decode::<Vec<String>>("\"only\"").unwrap(),
            vec!["only".to_owned()]
        );
        assert_eq!(decode::<Option<Vec<i64>>>("\"7\"").unwrap(), Some(vec![7]));
        assert!(decode::<Vec<i64>>("{}").is_err());
        let map = decode::<BTreeMap<String, String>>("{\"a\": 1, \"b\": \"x\"}").unwrap();
        assert_eq!(map["a"], "1");
        assert_eq!(map["b"], "x");
    }
}
