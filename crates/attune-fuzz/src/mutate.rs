//! A small deterministic mutator for the test-suite harness: no coverage
//! feedback (cargo-fuzz does that in long runs), but the edits that break
//! parsers most often: cut, repeat, flip, splice, and tokens that matter to
//! TOML, JSON and dates.

/// SplitMix64: deterministic, so a failing input can be regenerated.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }
}

/// Tokens that tend to reach the interesting branches.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ":",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "\\u0000",
    "\u{0}",
    "-",
    "+",
    "-1",
    "0",
    "255",
    "2147483648",
    "-2147483649",
    "99999999999999999999",
    "1e309",
    "nan",
    "inf",
    "true",
    "null",
    "é",
    "🙂",
    "\u{202e}",
    "\u{feff}",
    "İ",
    "ß",
    "\u{301}",
    "0000-01-01",
    "9999-12-31",
    "24:00",
    "23:59:60",
    "T",
    "Z",
    "+14:00",
    "[Europe/Berlin]",
    "ago",
    "last",
    "next",
    "every",
    "days",
    "weeks",
    "monday",
    "yesterday",
    "version = 2",
    "id = \"\"",
    "items",
    "subscales",
    "scale",
    "reverse = true",
    "base64",
    "xchacha20poly1305",
    "argon2id",
    "AAAA",
    "====",
    "#",
    "\"\"\"",
    "'''",
];

/// One mutated copy of `input` (`other` is a second seed for splicing).
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        match rng.below(9) {
            0 if len > 0 => {
                let at = rng.below(len);
                out[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(len + 1);
                let byte = (rng.next_u64() & 0xff) as u8;
                out.insert(at, byte);
            }
            2 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                out.drain(at..at + n);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(256));
                let chunk = out[at..at + n].to_vec();
                let times = 1 + rng.below(16);
                for _ in 0..times {
                    out.splice(at..at, chunk.iter().copied());
                }
            }
            4 => out.truncate(rng.below(len + 1)),
            5 if !other.is_empty() => {
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            6 => {
                let at = rng.below(len + 1);
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.bytes());
            }
            7 if len > 0 => {
                // Replace a digit run or any byte with an extreme number.
                let at = rng.below(len);
                let token = ["0", "-1", "4294967296", "9223372036854775808", "1e400"][rng.below(5)];
                out.splice(at..at + 1, token.bytes());
            }
            _ => {
                let n = rng.below(32);
                for _ in 0..n {
                    out.push((rng.next_u64() & 0xff) as u8);
                }
            }
        }
    }
    out
}
