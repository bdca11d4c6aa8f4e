//! Where credentials come from when none are given: environment variables and the vendors'
//! configuration files, read through [`Environment`] so that tests control them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::error::Error;
use crate::secret::Secret;

/// The process environment as the clients see it.
pub trait Environment: Send + Sync + fmt::Debug {
    /// An environment variable, if set and not empty.
    fn var(&self, name: &str) -> Option<String>;
    /// The user's home directory.
    fn home_dir(&self) -> Option<PathBuf>;
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemEnvironment;

impl Environment for SystemEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn home_dir(&self) -> Option<PathBuf> {
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(PathBuf::from)
    }
}

/// A fixed environment (for tests and for programs that manage configuration themselves).
#[derive(Debug, Clone, Default)]
pub struct FixedEnvironment {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
}

impl FixedEnvironment {
    /// An empty environment without a home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a variable.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the home directory.
    pub fn home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }
}

impl Environment for FixedEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).filter(|v| !v.is_empty()).cloned()
    }

    fn home_dir(&self) -> Option<PathBuf> {
        self.home.clone()
    }
}

/// Huawei Cloud AK/SK found in the environment or the credentials file.
#[derive(Debug, Clone)]
pub(crate) struct HuaweiKeys {
    pub(crate) access_key: String,
    pub(crate) secret_key: Secret,
    pub(crate) security_token: Option<Secret>,
    pub(crate) project_id: Option<String>,
}

/// The vendor SDKs' environment variables, then their credentials file (`[basic]` or, as
/// the SDKs' implicit chain reads it, `[basiccredentials]`). The error lists every place.
pub(crate) fn huawei_keys(env: &dyn Environment) -> Result<HuaweiKeys, Error> {
    let mut looked = vec!["explicit credentials (none given)".to_owned()];
    let ak = env.var("HUAWEICLOUD_SDK_AK");
    let sk = env.var("HUAWEICLOUD_SDK_SK");
    match (ak, sk) {
        (Some(access_key), Some(secret_key)) => {
            return Ok(HuaweiKeys {
                access_key,
                secret_key: Secret::new(secret_key),
                security_token: env.var("HUAWEICLOUD_SDK_SECURITY_TOKEN").map(Secret::new),
                project_id: env.var("HUAWEICLOUD_SDK_PROJECT_ID"),
            })
        }
        (Some(_), None) => looked.push(
            "environment: HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not".to_owned(),
        ),
        (None, Some(_)) => looked.push(
            "environment: HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not".to_owned(),
        ),
        (None, None) => looked.push(
            "environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (not set)".to_owned(),
        ),
    }
    let path = env
        .var("HUAWEICLOUD_SDK_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| {
            env.home_dir()
                .map(|h| h.join(".huaweicloud").join("credentials"))
        });
    match path {
        None => looked
            .push("credentials file ~/.huaweicloud/credentials (no home directory)".to_owned()),
        Some(path) => match std::fs::read_to_string(&path) {
            Err(e) => looked.push(format!("credentials file {} ({e})", path.display())),
            Ok(text) => match huawei_file_keys(&text) {
                Ok(keys) => return Ok(keys),
                Err(why) => looked.push(format!("credentials file {} ({why})", path.display())),
            },
        },
    }
    Err(Error::config(format!(
        "no Huawei Cloud credentials found; looked at: {}",
        looked.join("; ")
    )))
}

fn huawei_file_keys(text: &str) -> Result<HuaweiKeys, String> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| format!("not an INI file: {e}"))?;
    let section = ["basic", "basiccredentials"]
        .into_iter()
        .find_map(|name| ini.section(Some(name)))
        .ok_or("no [basic] or [basiccredentials] section")?;
    let get = |key: &str| {
        section
            .get(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    match (get("ak"), get("sk")) {
        (Some(access_key), Some(secret_key)) => Ok(HuaweiKeys {
            access_key,
            secret_key: Secret::new(secret_key),
            security_token: get("security_token").map(Secret::new),
            project_id: get("project_id"),
        }),
        _ => Err("its section has no `ak` and `sk`".to_owned()),
    }
}

/// QingCloud settings from the vendor's configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QingCloudFile {
    pub(crate) access_key_id: Option<String>,
    pub(crate) secret_access_key: Option<String>,
    pub(crate) zone: Option<String>,
    /// `protocol://host[:port]`, from `protocol`, `host` and `port` with the vendor's defaults.
    pub(crate) endpoint: Option<String>,
}

/// Reads `~/.qingcloud/config.yaml` (or `path`); `Ok(None)` when the file does not exist.
pub(crate) fn qingcloud_file(
    env: &dyn Environment,
    path: Option<&PathBuf>,
) -> Result<(PathBuf, Option<QingCloudFile>), Error> {
    let path = match path {
        Some(path) => path.clone(),
        None => match env.home_dir() {
            Some(home) => home.join(".qingcloud").join("config.yaml"),
            None => return Ok((PathBuf::from("~/.qingcloud/config.yaml"), None)),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((path, None)),
        Err(e) => {
            return Err(Error::config(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let value: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| Error::config(format!("{} is not valid YAML: {e}", path.display())))?;
    let text_of = |key: &str| match value.get(key) {
        Some(serde_yaml::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(serde_yaml::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let protocol = text_of("protocol").unwrap_or_else(|| "https".to_owned());
    let host = text_of("host").unwrap_or_else(|| "api.qingcloud.com".to_owned());
    let default_port = if protocol == "http" { "80" } else { "443" };
    let endpoint = match text_of("port") {
        Some(port) if port != default_port => format!("{protocol}://{host}:{port}"),
        _ => format!("{protocol}://{host}"),
    };
    let file = QingCloudFile {
        access_key_id: text_of("qy_access_key_id"),
        secret_access_key: text_of("qy_secret_access_key"),
        zone: text_of("zone"),
        endpoint: Some(endpoint),
    };
    Ok((path, Some(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("clouddb-env-test-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn huawei_environment_comes_first() {
        let env = FixedEnvironment::new()
            .var("HUAWEICLOUD_SDK_AK", "AK1")
            .var("HUAWEICLOUD_SDK_SK", "SK1")
            .var("HUAWEICLOUD_SDK_SECURITY_TOKEN", "T1")
            .var("HUAWEICLOUD_SDK_PROJECT_ID", "P1");
        let keys = huawei_keys(&env).expect("found");
        assert_eq!(keys.access_key, "AK1");
        assert_eq!(keys.secret_key.expose(), "SK1");
        assert_eq!(keys.security_token.as_ref().map(Secret::expose), Some("T1"));
        assert_eq!(keys.project_id.as_deref(), Some("P1"));
    }

    #[test]
    fn huawei_credentials_file_in_both_section_spellings() {
        for section in ["basic", "basiccredentials"] {
            let path = temp_file(
                &format!("credentials-{section}"),
                &format!("[{section}]\nak = AK2\nsk = SK2\nproject_id = P2\n"),
            );
            let env = FixedEnvironment::new().var(
                "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
                path.display().to_string(),
            );
            let keys = huawei_keys(&env).expect("found");
            assert_eq!(
                (keys.access_key.as_str(), keys.project_id.as_deref()),
                ("AK2", Some("P2"))
            );
        }
        let home = temp_file("unused", "").parent().expect("dir").to_path_buf();
        std::fs::create_dir_all(home.join(".huaweicloud")).expect("dir");
        std::fs::write(
            home.join(".huaweicloud/credentials"),
            "[basic]\nak = AK3\nsk = SK3\n",
        )
        .expect("write");
        let keys = huawei_keys(&FixedEnvironment::new().home(&home)).expect("found in home");
        assert_eq!(keys.access_key, "AK3");
    }

    #[test]
    fn huawei_error_lists_every_place() {
        let env = FixedEnvironment::new()
            .var("HUAWEICLOUD_SDK_AK", "AK")
            .home("/nonexistent-home");
        let err = huawei_keys(&env).expect_err("nothing usable");
        let text = err.to_string();
        assert!(text.contains("explicit credentials (none given)"), "{text}");
        assert!(
            text.contains("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"),
            "{text}"
        );
        assert!(
            text.contains("/nonexistent-home/.huaweicloud/credentials"),
            "{text}"
        );
        let bad = temp_file("credentials-bad", "[other]\nak = x\n");
        let env = FixedEnvironment::new().var(
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
            bad.display().to_string(),
        );
        let text = huawei_keys(&env).expect_err("no section").to_string();
        assert!(
            text.contains("no [basic] or [basiccredentials] section"),
            "{text}"
        );
    }

    #[test]
    fn qingcloud_file_with_vendor_defaults() {
        let path = temp_file(
            "config.yaml",
            "qy_access_key_id: QYAK\nqy_secret_access_key: QYSK\nzone: PEK3A\nhost: api.example.com\nport: 8443\n",
        );
        let (_, file) = qingcloud_file(&FixedEnvironment::new(), Some(&path)).expect("reads");
        let file = file.expect("exists");
        assert_eq!(file.access_key_id.as_deref(), Some("QYAK"));
        assert_eq!(file.zone.as_deref(), Some("PEK3A"));
        assert_eq!(
            file.endpoint.as_deref(),
            Some("https://api.example.com:8443")
        );
        let path = temp_file(
            "config-min.yaml",
            "qy_access_key_id: A\nqy_secret_access_key: B\n",
        );
        let (_, file) = qingcloud_file(&FixedEnvironment::new(), Some(&path)).expect("reads");
        assert_eq!(
            file.expect("exists").endpoint.as_deref(),
            Some("https://api.qingcloud.com")
        );
        let missing = PathBuf::from("/nonexistent/config.yaml");
        assert!(qingcloud_file(&FixedEnvironment::new(), Some(&missing))
            .expect("no error")
            .1
            .is_none());
    }
}
