//! Multipart form bodies (`multipart/form-data`), as the vendor SDKs send file uploads:
//! the text fields first, in the spec's order, then the files, each part with a
//! `Content-Disposition` naming the field (and a file's name) and a file's `Content-Type`.

use std::fmt;
use std::path::PathBuf;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind};

/// A file to upload in a multipart body: a local file read when the request is written, or
/// bytes in memory with a file name. Decoded from JSON (the command line's `--body`), a
/// string is the path of a local file.
#[derive(Clone, PartialEq, Eq)]
pub struct FormFile {
    source: Source,
    content_type: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Path(PathBuf),
    Bytes { file_name: String, bytes: Bytes },
}

impl FormFile {
    /// The local file at `path`, read when the request is written (its file name is sent).
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Path(path.into()),
            content_type: None,
        }
    }

    /// Bytes in memory, sent as a file named `file_name`.
    pub fn bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            source: Source::Bytes {
                file_name: file_name.into(),
                bytes: bytes.into(),
            },
            content_type: None,
        }
    }

    /// The file part's `Content-Type` (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file's name and contents (reading a local file).
    fn load(&self, field: &str) -> Result<(String, Bytes), Error> {
        match &self.source {
            Source::Bytes { file_name, bytes } => Ok((file_name.clone(), bytes.clone())),
            Source::Path(path) => {
                let bytes = std::fs::read(path).map_err(|e| {
                    Error::new(
                        ErrorKind::Encode,
                        format!("cannot read the file of `{field}`, {}: {e}", path.display()),
                    )
                })?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "file".to_owned());
                Ok((name, Bytes::from(bytes)))
            }
        }
    }
}

impl fmt::Debug for FormFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Path(path) => f.debug_tuple("FormFile").field(path).finish(),
            Source::Bytes { file_name, bytes } => f
                .debug_struct("FormFile")
                .field("file_name", file_name)
                .field("size", &bytes.len())
                .finish(),
        }
    }
}

impl Serialize for FormFile {
    /// A local file as its path; bytes in memory as their file name.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.source {
            Source::Path(path) => serializer.serialize_str(&path.to_string_lossy()),
            Source::Bytes { file_name, .. } => serializer.serialize_str(file_name),
        }
    }
}

impl<'de> Deserialize<'de> for FormFile {
    /// A string: the path of a local file.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(FormFile::path)
    }
}

impl crate::lenient::Lenient for FormFile {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::deserialize(deserializer)
    }
}

/// The parts of a multipart body being written.
#[derive(Debug, Default)]
pub(crate) struct Form {
    texts: Vec<(String, String)>,
    files: Vec<(String, String, Option<String>, Bytes)>,
}

impl Form {
    pub(crate) fn text(&mut self, name: &str, value: String) {
        self.texts.push((name.to_owned(), value));
    }

    pub(crate) fn file(&mut self, name: &str, file: &FormFile) -> Result<(), Error> {
        let (file_name, bytes) = file.load(name)?;
        self.files
            .push((name.to_owned(), file_name, file.content_type.clone(), bytes));
        Ok(())
    }

    /// The body and its `Content-Type` (with the boundary), for a boundary the parts do not
    /// contain.
    pub(crate) fn encode(self) -> (Vec<u8>, String) {
        let boundary = loop {
            let candidate = uuid::Uuid::new_v4().simple().to_string();
            let clashes = self.files.iter().any(|(.., bytes)| {
                bytes
                    .windows(candidate.len())
                    .any(|w| w == candidate.as_bytes())
            });
            if !clashes {
                break candidate;
            }
        };
        let mut body = Vec::new();
        for (name, value) in &self.texts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                    quote(name)
                )
                .as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        for (name, file_name, content_type, bytes) in &self.files {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    quote(name),
                    quote(file_name),
                    content_type.as_deref().unwrap_or("application/octet-stream")
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (body, format!("multipart/form-data; boundary={boundary}"))
    }
}

/// A name inside a quoted header parameter: quotes and line breaks escaped as browsers do.
fn quote(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_before_files_and_the_boundary_closes_the_body() {
        let mut form = Form::default();
        form.text("template_type", "htap".to_owned());
        form.file("file", &FormFile::bytes("t.xlsx", &b"PK\x03\x04"[..]))
            .unwrap();
        form.text("selected_dbs", "db1".to_owned());
        let (body, content_type) = form.encode();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"template_type\"\r\n\r\nhtap\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"selected_dbs\"\r\n\r\ndb1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.xlsx\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nPK\u{3}\u{4}\r\n--{boundary}--\r\n"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_missing_local_file_is_an_encode_error_naming_the_field_and_path() {
        let mut form = Form::default();
        let error = form
            .file("file", &FormFile::path("/nonexistent/t.xlsx"))
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Encode);
        let text = error.to_string();
        assert!(
            text.contains("`file`") && text.contains("/nonexistent/t.xlsx"),
            "{text}"
        );
    }
}
