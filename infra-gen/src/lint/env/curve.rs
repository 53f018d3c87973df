//! Public keys as points of an elliptic curve: SEC 1's uncompressed encoding (`0x04 ‖ x ‖ y`,
//! 65 bytes) of a point on P-256 (web push's VAPID application server keys, WebCrypto's raw
//! export, Apple's and Google's pay keys) or on secp256k1 (Bitcoin's and Ethereum's public
//! keys). A point satisfies its curve's equation; 64 random bytes after `0x04` do with
//! probability about 2^-256, so a value of that shape that satisfies it is a public key, and one
//! that does not is judged like any other material. The compressed form (`0x02`/`0x03 ‖ x`) is
//! not read: half of all random `x` are on the curve, which proves nothing.

/// A field element or coordinate, 256 bits as four 64-bit limbs, least significant first.
type U256 = [u64; 4];

/// A short Weierstrass curve `y² = x³ + a·x + b` over the prime field of `p`, with `a` either
/// 0 or −3 (`minus_three`).
struct Curve {
    p: U256,
    b: U256,
    minus_three: bool,
}

const P256: Curve = Curve {
    p: [
        0xFFFF_FFFF_FFFF_FFFF,
        0x0000_0000_FFFF_FFFF,
        0x0000_0000_0000_0000,
        0xFFFF_FFFF_0000_0001,
    ],
    b: [
        0x3BCE_3C3E_27D2_604B,
        0x651D_06B0_CC53_B0F6,
        0xB3EB_BD55_7698_86BC,
        0x5AC6_35D8_AA3A_93E7,
    ],
    minus_three: true,
};

const SECP256K1: Curve = Curve {
    p: [
        0xFFFF_FFFE_FFFF_FC2F,
        0xFFFF_FFFF_FFFF_FFFF,
        0xFFFF_FFFF_FFFF_FFFF,
        0xFFFF_FFFF_FFFF_FFFF,
    ],
    b: [7, 0, 0, 0],
    minus_three: false,
};

/// Whether `d` is SEC 1's uncompressed encoding of a point on P-256 or secp256k1.
pub(super) fn uncompressed_point(d: &[u8]) -> bool {
    let [4, coordinates @ ..] = d else {
        return false;
    };
    if coordinates.len() != 64 {
        return false;
    }
    let (x, y) = (from_be(&coordinates[..32]), from_be(&coordinates[32..]));
    [P256, SECP256K1].iter().any(|c| c.holds(&x, &y))
}

impl Curve {
    fn holds(&self, x: &U256, y: &U256) -> bool {
        let p = &self.p;
        if !less(x, p) || !less(y, p) {
            return false;
        }
        let x3 = mul_mod(&mul_mod(x, x, p), x, p);
        let mut right = add_mod(&x3, &self.b, p);
        if self.minus_three {
            let three_x = add_mod(&add_mod(x, x, p), x, p);
            right = sub_mod(&right, &three_x, p);
        }
        mul_mod(y, y, p) == right
    }
}

fn from_be(bytes: &[u8]) -> U256 {
    let mut out = [0u64; 4];
    for (i, chunk) in bytes.chunks(8).enumerate() {
        let mut limb = [0u8; 8];
        limb.copy_from_slice(chunk);
        out[3 - i] = u64::from_be_bytes(limb);
    }
    out
}

fn less(a: &U256, b: &U256) -> bool {
    for i in (0..4).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// `a − b` modulo 2^256, and whether it borrowed.
fn sub(a: &U256, b: &U256) -> (U256, bool) {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        out[i] = d;
        borrow = b1 || b2;
    }
    (out, borrow)
}

/// `a + b` modulo 2^256, and whether it carried.
fn add(a: &U256, b: &U256) -> (U256, bool) {
    let mut out = [0u64; 4];
    let mut carry = false;
    for i in 0..4 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        out[i] = s;
        carry = c1 || c2;
    }
    (out, carry)
}

/// `a + b mod p`, for `a, b < p`.
fn add_mod(a: &U256, b: &U256, p: &U256) -> U256 {
    let (s, carry) = add(a, b);
    // The true sum is below 2p: one subtraction, which wraps back when it carried past 2^256.
    if carry || !less(&s, p) {
        sub(&s, p).0
    } else {
        s
    }
}

/// `a − b mod p`, for `a, b < p`.
fn sub_mod(a: &U256, b: &U256, p: &U256) -> U256 {
    let (d, borrow) = sub(a, b);
    if borrow { add(&d, p).0 } else { d }
}

/// `a · b mod p`: the 512-bit product, then reduced a bit at a time (only candidates of the
/// right length and prefix get here, so simplicity beats speed).
fn mul_mod(a: &U256, b: &U256, p: &U256) -> U256 {
    let mut product = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u128;
        for j in 0..4 {
            let t = u128::from(a[i]) * u128::from(b[j]) + u128::from(product[i + j]) + carry;
            product[i + j] = t as u64;
            carry = t >> 64;
        }
        product[i + 4] = carry as u64;
    }
    let mut r: U256 = [0; 4];
    for limb in product.iter().rev() {
        for bit in (0..64).rev() {
            // r = 2r + bit; r < p, so 2r + bit < 2p and one subtraction reduces it (wrapping
            // back when the doubling carried past 2^256).
            let top = r[3] >> 63;
            r = [
                (r[0] << 1) | ((limb >> bit) & 1),
                (r[1] << 1) | (r[0] >> 63),
                (r[2] << 1) | (r[1] >> 63),
                (r[3] << 1) | (r[2] >> 63),
            ];
            if top == 1 || !less(&r, p) {
                r = sub(&r, p).0;
            }
        }
    }
    r
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn coordinates(x: &str, y: &str) -> Vec<u8> {
        [vec![4u8], hex(x), hex(y)].concat()
    }

    /// Published points: P-256's base point G and 2G (NIST's test vectors), secp256k1's G.
    fn published() -> Vec<Vec<u8>> {
        vec![
            coordinates(
                "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
                "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
            ),
            coordinates(
                "7CF27B188D034F7E8A52380304B51AC3C08969E277F21B35A60B48FC47669978",
                "07775510DB8ED040293D9AC69F7430DBBA7DADE63CE982299E04B79D227873D1",
            ),
            coordinates(
                "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798",
                "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8",
            ),
        ]
    }

    /// `base^e mod p`, square and multiply.
    fn pow_mod(base: &U256, e: &U256, p: &U256) -> U256 {
        let mut r: U256 = [1, 0, 0, 0];
        for i in (0..4).rev() {
            for bit in (0..64).rev() {
                r = mul_mod(&r, &r, p);
                if (e[i] >> bit) & 1 == 1 {
                    r = mul_mod(&r, base, p);
                }
            }
        }
        r
    }

    fn to_be(a: &U256) -> Vec<u8> {
        a.iter().rev().flat_map(|l| l.to_be_bytes()).collect()
    }

    /// A point of secp256k1 (`k1`) or P-256 at the first `x` from `seed`, encoded uncompressed.
    pub(in crate::lint::env) fn point(k1: bool, seed: U256) -> Vec<u8> {
        point_from(if k1 { &SECP256K1 } else { &P256 }, seed)
    }

    /// A point of `curve` at the first `x` from `seed` whose right-hand side is a square: both
    /// primes are 3 mod 4, so its root is `rhs^((p+1)/4)`, checked by squaring.
    fn point_from(curve: &Curve, seed: U256) -> Vec<u8> {
        let p = &curve.p;
        let mut x = if less(&seed, p) {
            seed
        } else {
            sub(&seed, p).0
        };
        let (p_plus_1, _) = add(p, &[1, 0, 0, 0]);
        let e = [
            (p_plus_1[0] >> 2) | (p_plus_1[1] << 62),
            (p_plus_1[1] >> 2) | (p_plus_1[2] << 62),
            (p_plus_1[2] >> 2) | (p_plus_1[3] << 62),
            p_plus_1[3] >> 2,
        ];
        loop {
            let x3 = mul_mod(&mul_mod(&x, &x, p), &x, p);
            let mut rhs = add_mod(&x3, &curve.b, p);
            if curve.minus_three {
                rhs = sub_mod(&rhs, &add_mod(&add_mod(&x, &x, p), &x, p), p);
            }
            let y = pow_mod(&rhs, &e, p);
            if mul_mod(&y, &y, p) == rhs {
                return [vec![4u8], to_be(&x), to_be(&y)].concat();
            }
            x = add_mod(&x, &[1, 0, 0, 0], p);
        }
    }

    #[test]
    fn published_points_are_on_their_curves() {
        for d in published() {
            assert!(uncompressed_point(&d), "{d:02x?}");
        }
    }

    #[test]
    fn a_point_changed_in_one_bit_or_compressed_is_no_point() {
        for d in published() {
            for byte in 1..65 {
                let mut changed = d.clone();
                changed[byte] ^= 1;
                assert!(!uncompressed_point(&changed));
            }
            let mut compressed = vec![2 + (d[64] & 1)];
            compressed.extend_from_slice(&d[1..33]);
            assert!(!uncompressed_point(&compressed));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Points found by square roots are on the curve; the same bytes with `y` replaced by
        /// random bytes are not (a random `y` solves the equation with probability 2^-255).
        #[test]
        fn points_are_told_from_random_coordinates(
            limbs in proptest::array::uniform4(any::<u64>()),
            other in proptest::collection::vec(any::<u8>(), 32),
            k1 in any::<bool>(),
        ) {
            let d = point(k1, limbs);
            prop_assert!(uncompressed_point(&d));
            let mut random_y = d.clone();
            random_y[33..].copy_from_slice(&other);
            prop_assert_eq!(uncompressed_point(&random_y), random_y == d);
        }
    }
}
