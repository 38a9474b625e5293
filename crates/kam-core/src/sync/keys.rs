//! Device identity: an ed25519 signing key (who wrote a file) and an age x25519 identity (who
//! can read a file addressed to this device). Both come from maintained crates
//! (`ed25519-dalek`, `age`); nothing here does cryptography of its own.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::{KamError, Result};

/// What a file is encrypted to: an age x25519 recipient (`age1…`).
pub type AgeRecipient = age::x25519::Recipient;

/// A device's secret keys. Keep them in the device's own database; never put them in a file
/// that leaves the device. `Debug` does not print the secrets.
pub struct DeviceKeys {
    device_id: String,
    signing: SigningKey,
    age: age::x25519::Identity,
}

impl std::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKeys").field("device_id", &self.device_id).finish_non_exhaustive()
    }
}

/// A device's public half: what other devices need to verify its files and to write to it.
/// This is what an enrollment file carries and what the trust list stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePublicKeys {
    pub device_id: String,
    /// The ed25519 verifying key, 64 lowercase hex digits.
    pub signing_key: String,
    /// The age x25519 recipient, `age1…`.
    pub age_recipient: String,
}

/// The stored form of [`DeviceKeys`] (secret; for the device's own settings only).
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredDeviceKeys {
    pub device_id: String,
    /// The ed25519 secret seed, 64 lowercase hex digits.
    pub signing_secret: String,
    /// The age identity, `AGE-SECRET-KEY-1…`.
    pub age_identity: String,
}

impl DeviceKeys {
    /// Fresh keys for a device, from the operating system's random source.
    pub fn generate(device_id: &str) -> DeviceKeys {
        let seed: [u8; 32] = rand::random();
        DeviceKeys {
            device_id: device_id.to_string(),
            signing: SigningKey::from_bytes(&seed),
            age: age::x25519::Identity::generate(),
        }
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The ed25519 verifying key as hex (what a file header carries).
    pub fn signing_key_hex(&self) -> String {
        to_hex(self.signing.verifying_key().as_bytes())
    }

    pub fn recipient(&self) -> AgeRecipient {
        self.age.to_public()
    }

    pub fn public(&self) -> DevicePublicKeys {
        DevicePublicKeys {
            device_id: self.device_id.clone(),
            signing_key: self.signing_key_hex(),
            age_recipient: self.age.to_public().to_string(),
        }
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    pub(crate) fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }

    /// The secret, serialisable form.
    pub fn to_stored(&self) -> StoredDeviceKeys {
        StoredDeviceKeys {
            device_id: self.device_id.clone(),
            signing_secret: to_hex(self.signing.as_bytes()),
            age_identity: self.age.to_string().expose_secret().to_string(),
        }
    }

    /// Back from the stored form; a damaged value is a validation error naming the field.
    pub fn from_stored(s: &StoredDeviceKeys) -> Result<DeviceKeys> {
        let seed: [u8; 32] = from_hex(&s.signing_secret).and_then(|v| v.try_into().ok()).ok_or_else(|| {
            KamError::invalid(
                "signing_secret",
                "设备签名私钥已损坏（应为 64 位十六进制）。",
                "The device signing key is damaged (expected 64 hex digits).",
            )
        })?;
        let age = age::x25519::Identity::from_str(&s.age_identity).map_err(|_| {
            KamError::invalid("age_identity", "设备解密私钥已损坏。", "The device decryption key is damaged.")
        })?;
        Ok(DeviceKeys { device_id: s.device_id.clone(), signing: SigningKey::from_bytes(&seed), age })
    }
}

impl DevicePublicKeys {
    /// The ed25519 verifying key, or a validation error if the stored text is not one.
    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        parse_verifying_key(&self.signing_key).ok_or_else(|| {
            KamError::invalid(
                "signing_key",
                format!("设备 {} 的签名公钥无效。请重新导入该设备的注册文件。", self.device_id),
                format!("The signing key of device {} is invalid. Import its enrollment file again.", self.device_id),
            )
        })
    }

    /// The age recipient, or a validation error if the stored text is not one.
    pub fn recipient(&self) -> Result<AgeRecipient> {
        AgeRecipient::from_str(&self.age_recipient).map_err(|_| {
            KamError::invalid(
                "age_recipient",
                format!("设备 {} 的加密公钥无效。请重新导入该设备的注册文件。", self.device_id),
                format!(
                    "The encryption key of device {} is invalid. Import its enrollment file again.",
                    self.device_id
                ),
            )
        })
    }
}

pub(crate) fn parse_verifying_key(hex: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = from_hex(hex)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() & 1 == 1 || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_keys_round_trip() {
        let k = DeviceKeys::generate("dev-a");
        let back = DeviceKeys::from_stored(&k.to_stored()).unwrap();
        assert_eq!(back.public(), k.public());
        assert_eq!(k.public().verifying_key().unwrap(), k.signing_key().verifying_key());
        assert_eq!(k.public().recipient().unwrap().to_string(), k.recipient().to_string());
        let json = serde_json::to_string(&k.public()).unwrap();
        assert_eq!(serde_json::from_str::<DevicePublicKeys>(&json).unwrap(), k.public());
        assert!(!format!("{k:?}").contains(&k.to_stored().signing_secret));
    }

    #[test]
    fn damaged_keys_are_refused() {
        let k = DeviceKeys::generate("dev-a");
        let mut s = k.to_stored();
        s.signing_secret.pop();
        assert_eq!(DeviceKeys::from_stored(&s).unwrap_err().code(), "validation");
        let mut s = k.to_stored();
        s.age_identity = "AGE-SECRET-KEY-1XYZ".into();
        assert_eq!(DeviceKeys::from_stored(&s).unwrap_err().code(), "validation");
        let mut p = k.public();
        p.signing_key = "zz".repeat(32);
        assert!(p.verifying_key().is_err());
        assert_eq!(from_hex("0aFF"), Some(vec![10, 255]));
        assert_eq!(from_hex("é0"), None);
    }
}
