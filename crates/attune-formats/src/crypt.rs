//! Passphrase encryption of exports (the age format), as `attune export
//! --encrypt` writes and `attune import attune` reads.

use age::secrecy::SecretString;

/// The start of every age file.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

/// Whether `bytes` is an age-encrypted file.
pub fn is_age(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_MAGIC)
}

/// Encrypts with a passphrase. The error says why, without the passphrase.
pub fn encrypt(bytes: &[u8], passphrase: &str) -> Result<Vec<u8>, String> {
    let recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
    age::encrypt(&recipient, bytes).map_err(|e| e.to_string())
}

/// Decrypts a file made by [`encrypt`]. A wrong passphrase is an error.
pub fn decrypt(bytes: &[u8], passphrase: &str) -> Result<Vec<u8>, String> {
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    age::decrypt(&identity, bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_passphrase() {
        let sealed = encrypt(b"my words", "a long passphrase").unwrap();
        assert!(is_age(&sealed));
        assert!(!is_age(b"{\"format\":\"attune\"}"));
        assert_eq!(decrypt(&sealed, "a long passphrase").unwrap(), b"my words");
        assert!(decrypt(&sealed, "another passphrase").is_err());
    }
}
