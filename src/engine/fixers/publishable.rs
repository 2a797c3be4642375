//! The publishable key of an instance, derived from its frontend API host:
//! `pk_test_` or `pk_live_`, then the base64 of the host followed by `$`.

/// Whether a host belongs to a development instance.
fn is_development(host: &str) -> bool {
    const LEGACY_DEV: [&str; 3] = [".lcl.dev", ".lclstage.dev", ".lclclerk.com"];
    if host.starts_with("clerk.") && LEGACY_DEV.iter().any(|s| host.ends_with(s)) {
        return true;
    }
    // ^(([a-z]+)-){2}([0-9]{1,2})\.clerk\.accounts([a-z.]*)(dev|com)$, any case
    let h = host.to_ascii_lowercase();
    let Some((label, rest)) = h.split_once('.') else {
        return false;
    };
    let parts: Vec<&str> = label.split('-').collect();
    let words = parts.len() == 3
        && parts[..2]
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&parts[2].len())
        && parts[2].bytes().all(|b| b.is_ascii_digit());
    let Some(tail) = rest.strip_prefix("clerk.accounts") else {
        return false;
    };
    words
        && tail.bytes().all(|b| b.is_ascii_lowercase() || b == b'.')
        && (tail.ends_with("dev") || tail.ends_with("com"))
}

/// Whether `s` looks like a frontend API host (`clerk.example.com`).
pub fn is_host(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The publishable key for a frontend API host; `None` when `host` is not one.
pub fn from_frontend_api(host: &str) -> Option<String> {
    if !is_host(host) {
        return None;
    }
    let prefix = if is_development(host) {
        "pk_test_"
    } else {
        "pk_live_"
    };
    Some(format!("{prefix}{}", base64(format!("{host}$").as_bytes())))
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example() {
        assert_eq!(
            from_frontend_api("clerk.example.lcl.dev").as_deref(),
            Some("pk_test_Y2xlcmsuZXhhbXBsZS5sY2wuZGV2JA==")
        );
    }

    #[test]
    fn development_and_production_hosts() {
        let key = |h: &str| from_frontend_api(h).unwrap();
        assert!(key("happy-hippo-12.clerk.accounts.dev").starts_with("pk_test_"));
        assert!(key("Happy-Hippo-1.clerk.accounts.dev").starts_with("pk_test_"));
        assert!(key("happy-hippo-1.clerk.accountsstage.dev").starts_with("pk_test_"));
        assert!(key("clerk.foo.lclstage.dev").starts_with("pk_test_"));
        assert!(key("clerk.foo.lclclerk.com").starts_with("pk_test_"));
        assert!(key("clerk.example.com").starts_with("pk_live_"));
        assert!(key("happy-hippo-123.clerk.accounts.dev").starts_with("pk_live_"));
        assert!(key("happy-1.clerk.accounts.dev").starts_with("pk_live_"));
        assert!(key("accounts.example.lcl.dev").starts_with("pk_live_"));
        assert_eq!(key("clerk.example.com"), "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k");
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn not_hosts() {
        for s in [
            "",
            "localhost",
            "pk_test_x",
            "https://clerk.example.com",
            "a..b",
            "${HOST}",
        ] {
            assert_eq!(from_frontend_api(s), None, "{s}");
        }
    }
}
