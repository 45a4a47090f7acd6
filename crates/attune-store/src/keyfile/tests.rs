//! The key file: its format, wrapping and unwrapping the data key, versions.

use super::*;

const FAST: KdfParams = KdfParams::MINIMUM;

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.into())
}

#[test]
fn default_params_meet_the_floor() {
    // Checked when compiling: a weaker default does not build.
    const { assert!(KdfParams::DEFAULT.m_cost_kib >= 64 * 1024 && KdfParams::DEFAULT.t_cost >= 3) };
    assert!(KdfParams::DEFAULT.check().is_ok());
}

#[test]
fn wrap_then_unwrap_gives_the_key_back() {
    for mac in [PageMac::Sha256, PageMac::Sha512] {
        let key = DataKey::generate().unwrap();
        let wrapped = wrap(&key, &pass("correct horse"), FAST, mac).unwrap();
        let file = KeyFile::Wrapped(wrapped);
        let parsed = KeyFile::parse(&file.to_bytes()).unwrap();
        assert_eq!(parsed, file);
        let KeyFile::Wrapped(w) = parsed else { panic!() };
        assert_eq!(w.page_mac, mac);
        assert_eq!(unwrap(&w, &pass("correct horse")).unwrap().as_bytes(), key.as_bytes());
        assert!(matches!(unwrap(&w, &pass("wrong horse")), Err(UnwrapError::Wrong)));
    }
}

#[test]
fn the_version_says_the_page_mac_and_is_bound_to_the_key() {
    let key = DataKey::from_bytes([7; 32]);
    let json = |mac| -> serde_json::Value {
        let file = KeyFile::Wrapped(wrap(&key, &pass("pw"), FAST, mac).unwrap());
        serde_json::from_slice(&file.to_bytes()).unwrap()
    };
    // Version 1, as older attune wrote it: no `page_hmac` at all.
    let v1 = json(PageMac::Sha512);
    assert_eq!((v1["version"].as_u64(), v1.get("page_hmac")), (Some(1), None));
    let v2 = json(PageMac::Sha256);
    assert_eq!((v2["version"].as_u64(), v2["page_hmac"].as_str()), (Some(2), Some("sha256")));
    assert_eq!(PageMac::NEW, PageMac::Sha256);
    // Made to look like version 1, a version 2 file fails the tag check.
    let mut w = wrap(&key, &pass("pw"), FAST, PageMac::Sha256).unwrap();
    w.page_mac = PageMac::Sha512;
    assert!(matches!(unwrap(&w, &pass("pw")), Err(UnwrapError::Wrong)));
}

#[test]
fn tampered_parameters_fail_the_tag_check() {
    let key = DataKey::from_bytes([9; 32]);
    let mut w = wrap(&key, &pass("pw"), KdfParams { m_cost_kib: 20 * 1024, ..FAST }, PageMac::NEW).unwrap();
    w.params.m_cost_kib = 19 * 1024;
    assert!(matches!(unwrap(&w, &pass("pw")), Err(UnwrapError::Wrong)));
}

#[test]
fn plain_key_file_is_explicit() {
    let bytes = KeyFile::Plain.to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v, serde_json::json!({"version": 1, "encryption": "none"}));
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    for (text, reason) in [
        ("", "not valid"),
        (r#"{"version":4,"encryption":"none"}"#, "update attune"),
        (r#"{"version":4,"encryption":"none","a_later_field":true}"#, "update attune"),
        (r#"{"version":0,"encryption":"none"}"#, "unknown"),
        (r#"{"version":1,"encryption":"none","page_hmac":"sha256"}"#, "needs format version 2"),
        (r#"{"version":2,"encryption":"xchacha20poly1305","kdf":"argon2id"}"#, "'page_hmac' is missing"),
        (r#"{"version":2,"encryption":"xchacha20poly1305","page_hmac":"md5"}"#, "'md5' is not supported"),
        (r#"{"version":1,"encryption":"rot13"}"#, "not supported"),
        (r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id"}"#, "missing"),
        (
            r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":1024,"t_cost":1,"p_cost":1}"#,
            "far weaker",
        ),
        (
            r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":8192,"t_cost":1,"p_cost":1}"#,
            "far weaker",
        ),
        (
            r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":4294967295,"t_cost":1,"p_cost":1}"#,
            "far beyond",
        ),
        (
            r#"{"version":1,"encryption":"xchacha20poly1305","kdf":"argon2id","m_cost_kib":1048576,"t_cost":16,"p_cost":1}"#,
            "far beyond",
        ),
        (r#"{"version":2,"encryption":"xchacha20poly1305","page_hmac":"sha512"}"#, "'sha512' is not supported"),
        (r#"{"version":2,"encryption":"xchacha20poly1305","page_hmac":"sha256","db":"attune-2.db"}"#, "version 3"),
        (r#"{"version":3,"encryption":"none","db":"attune-2.db"}"#, "only for encrypted"),
        (r#"{"version":3,"encryption":"xchacha20poly1305","page_hmac":"sha256","db":"../x.db"}"#, "not a journal"),
        (r#"{"version":3,"encryption":"xchacha20poly1305","page_hmac":"sha256","db":"attune-02.db"}"#, "not a"),
        (r#"{"version":3,"encryption":"xchacha20poly1305","db":"attune-2.db"}"#, "'page_hmac' is missing"),
    ] {
        let err = KeyFile::parse(text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains(reason), "{text}: {err}");
    }
    assert_eq!(KeyFile::parse(br#"{"version":4,"x":1}"#), Err(Refused::Newer(4)));
}

proptest::proptest! {
    /// Any well-formed key file survives writing and reading unchanged.
    #[test]
    fn key_files_round_trip(
        m in 19u32 * 1024..=1024 * 1024,
        t in 2u32..=3,
        p in 1u32..=8,
        salt in proptest::collection::vec(proptest::prelude::any::<u8>(), 16..64),
        nonce in proptest::prelude::any::<[u8; 24]>(),
        ciphertext in proptest::collection::vec(proptest::prelude::any::<u8>(), 48),
        sha256 in proptest::prelude::any::<bool>(),
        generation in proptest::option::of(2u64..1_000_000),
    ) {
        let file = KeyFile::Wrapped(Wrapped {
            params: KdfParams { m_cost_kib: m, t_cost: t, p_cost: p },
            salt,
            nonce,
            ciphertext,
            page_mac: if sha256 { PageMac::Sha256 } else { PageMac::Sha512 },
            drafts: None,
            db: generation.map(db_file_name),
        });
        proptest::prop_assert_eq!(KeyFile::parse(&file.to_bytes()).unwrap(), file);
        proptest::prop_assert_eq!(inspect(&KeyFile::Plain.to_bytes()), Ok(false));
    }
}

#[test]
fn a_named_database_makes_version_3_and_leaves_the_wrapping_as_it_was() {
    let key = DataKey::from_bytes([8; 32]);
    for mac in [PageMac::Sha256, PageMac::Sha512] {
        let mut w = wrap(&key, &pass("pw"), FAST, mac).unwrap();
        w.db = Some(db_file_name(7));
        let file = KeyFile::Wrapped(w);
        let json: serde_json::Value = serde_json::from_slice(&file.to_bytes()).unwrap();
        assert_eq!(json["version"], 3);
        assert_eq!(json["db"], "attune-7.db");
        assert_eq!(file.db_name(), "attune-7.db");
        let KeyFile::Wrapped(parsed) = KeyFile::parse(&file.to_bytes()).unwrap() else { panic!() };
        assert_eq!(parsed.page_mac, mac);
        assert_eq!(unwrap(&parsed, &pass("pw")).unwrap().as_bytes(), key.as_bytes());
        // Without its name (a backup's copy) it is the older version again and still unwraps.
        let plain = file.without_db();
        assert_eq!(plain.db_name(), "attune.db");
        let json: serde_json::Value = serde_json::from_slice(&plain.to_bytes()).unwrap();
        assert_eq!((json["version"].as_u64(), json.get("db")), (Some(mac.version().0.into()), None));
        let KeyFile::Wrapped(w) = plain else { panic!() };
        assert_eq!(unwrap(&w, &pass("pw")).unwrap().as_bytes(), key.as_bytes());
    }
}

#[test]
fn only_attune_s_own_file_names_are_generations() {
    assert_eq!(generation_of("attune.db"), Some(1));
    assert_eq!(generation_of("attune-2.db"), Some(2));
    assert_eq!(generation_of("attune-1234567.db"), Some(1_234_567));
    for bad in ["attune-1.db", "attune-02.db", "attune-.db", "attune-x.db", "../attune-2.db", "attune-2.db-wal"] {
        assert_eq!(generation_of(bad), None, "{bad}");
    }
    assert_eq!(db_file_name(1), "attune.db");
    assert_eq!(generation_of(&db_file_name(42)), Some(42));
}

#[test]
fn hkdf_matches_rfc_5869_and_subkeys_differ_by_label() {
    // RFC 5869, test case 1: the first 32 bytes of its OKM (so the salt
    // and info reach the library as meant).
    let ikm = [0x0b; 22];
    let salt: Vec<u8> = (0x00..=0x0c).collect();
    let info: Vec<u8> = (0xf0..=0xf9).collect();
    assert_eq!(
        hex::encode(hkdf_sha256_32(&salt, &ikm, &info).as_slice()),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
    );
    // Test case 3: no salt, no info.
    assert_eq!(
        hex::encode(hkdf_sha256_32(&[], &ikm, &[]).as_slice()),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
    );
    let key = DataKey::from_bytes([1; 32]);
    assert_ne!(subkey(&key, b"a").as_slice(), subkey(&key, b"b").as_slice());
    assert_ne!(subkey(&key, b"a").as_slice(), key.as_bytes().as_slice());
}

#[test]
fn key_material_is_wiped_on_drop() {
    // Checked when compiling: dropping one of these zeroes its memory.
    fn wiped_on_drop<T: ZeroizeOnDrop>() {}
    wiped_on_drop::<DataKey>();
    wiped_on_drop::<Passphrase>();
    wiped_on_drop::<Zeroizing<[u8; 32]>>();
}

#[test]
fn debug_never_shows_secrets() {
    assert_eq!(format!("{:?}", DataKey::from_bytes([1; 32])), "DataKey(..)");
    assert_eq!(format!("{:?}", pass("hunter2")), "Passphrase(..)");
}
