//! SigV4 verification for the fake Bedrock, written from the AWS Signature Version 4 specification
//! (canonical request, string to sign, derived signing key) with `hmac`/`sha2` only. It shares no
//! code with the `aws-sigv4` signer the gateway uses, so a request it accepts was signed right.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// What a correctly signed request must be signed with.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// Why a request was refused; each maps to the error Bedrock's front door answers (all 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No `Authorization` header at all.
    Missing,
    /// An `Authorization` header that is not a SigV4 header this verifier can read.
    Malformed(String),
    /// The access key is not one the service knows.
    UnknownAccessKey(String),
    /// Signed for another region or service, or with a bad scope date.
    WrongScope(String),
    /// `x-amz-content-sha256` does not match the body that arrived.
    PayloadHashMismatch,
    /// The signature does not match the one computed here.
    SignatureMismatch,
}

impl Rejection {
    /// `(x-amzn-errortype, message)` as AWS answers it.
    pub fn aws_error(&self) -> (&'static str, String) {
        match self {
            Self::Missing => (
                "MissingAuthenticationTokenException",
                "Missing Authentication Token".into(),
            ),
            Self::Malformed(why) => ("IncompleteSignatureException", why.clone()),
            Self::UnknownAccessKey(_) => (
                "UnrecognizedClientException",
                "The security token included in the request is invalid.".into(),
            ),
            Self::WrongScope(why) => ("InvalidSignatureException", why.clone()),
            Self::PayloadHashMismatch => (
                "InvalidSignatureException",
                "The provided 'x-amz-content-sha256' header does not match what was computed."
                    .into(),
            ),
            Self::SignatureMismatch => (
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details."
                    .into(),
            ),
        }
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// RFC 3986 encoding as SigV4 defines it: everything but `A-Za-z0-9-._~` is `%XX` (upper case);
/// `/` is kept when encoding a path.
fn uri_encode(input: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = input
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The path as sent, encoded once more: services other than S3 sign the double-encoded path.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    uri_encode(path.as_bytes(), true)
}

/// Parameters decoded, re-encoded strictly, sorted by name then value.
fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Trimmed, inner whitespace runs collapsed to one space, repeated headers joined with commas.
fn canonical_header_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

struct Authorization<'a> {
    access_key: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, Rejection> {
    let malformed = |why: &str| Rejection::Malformed(why.to_owned());
    let rest = value
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| malformed("Authorization header requires the AWS4-HMAC-SHA256 algorithm"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(malformed("Authorization header has an unknown element")),
        }
    }
    let credential =
        credential.ok_or_else(|| malformed("Authorization header requires 'Credential'"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, terminator] = parts[..] else {
        return Err(malformed("Credential must have five slash-separated parts"));
    };
    Ok(Authorization {
        access_key,
        date,
        region,
        service,
        terminator,
        signed_headers: signed_headers
            .ok_or_else(|| malformed("Authorization header requires 'SignedHeaders'"))?,
        signature: signature
            .ok_or_else(|| malformed("Authorization header requires 'Signature'"))?,
    })
}

/// Checks the SigV4 `Authorization` header of a request against `expected`.
pub fn verify(
    method: &str,
    uri: &http::Uri,
    headers: &http::HeaderMap,
    body: &[u8],
    expected: &Expected<'_>,
) -> Result<(), Rejection> {
    let Some(header) = headers.get(http::header::AUTHORIZATION) else {
        return Err(Rejection::Missing);
    };
    let header = header
        .to_str()
        .map_err(|_| Rejection::Malformed("Authorization header is not ASCII".into()))?;
    let auth = parse_authorization(header)?;
    if auth.access_key != expected.access_key {
        return Err(Rejection::UnknownAccessKey(auth.access_key.to_owned()));
    }
    if auth.region != expected.region {
        return Err(Rejection::WrongScope(format!(
            "Credential should be scoped to a valid region, not '{}'.",
            auth.region
        )));
    }
    if auth.service != expected.service {
        return Err(Rejection::WrongScope(format!(
            "Credential should be scoped to correct service: '{}'.",
            expected.service
        )));
    }
    if auth.terminator != "aws4_request" {
        return Err(Rejection::WrongScope(
            "Credential should be scoped with a valid terminator: 'aws4_request'.".into(),
        ));
    }
    let amz_date = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Rejection::Malformed("the request has no x-amz-date header".into()))?;
    if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
        return Err(Rejection::WrongScope(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{amz_date}'",
            auth.date
        )));
    }
    let signed: Vec<&str> = auth.signed_headers.split(';').collect();
    for required in ["host", "x-amz-date"]
        .into_iter()
        .chain(
            headers
                .contains_key("x-amz-content-sha256")
                .then_some("x-amz-content-sha256"),
        )
        .chain(
            headers
                .contains_key("x-amz-security-token")
                .then_some("x-amz-security-token"),
        )
    {
        if !signed.contains(&required) {
            return Err(Rejection::Malformed(format!(
                "'{required}' must be a signed header"
            )));
        }
    }
    let body_hash = sha256_hex(body);
    let payload_hash = match headers.get("x-amz-content-sha256") {
        Some(v) if v.as_bytes() != body_hash.as_bytes() => {
            return Err(Rejection::PayloadHashMismatch);
        }
        _ => body_hash,
    };
    let mut canonical_headers = String::new();
    for name in &signed {
        let value = if *name == "host" && !headers.contains_key("host") {
            uri.authority().map(|a| a.as_str().to_owned())
        } else {
            canonical_header_value(headers, name)
        };
        let value = value.ok_or_else(|| {
            Rejection::Malformed(format!("signed header '{name}' is not in the request"))
        })?;
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let canonical_request = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
        canonical_uri(uri.path()),
        canonical_query(uri.query()),
        auth.signed_headers,
    );
    let scope = format!(
        "{}/{}/{}/aws4_request",
        auth.date, expected.region, expected.service
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let k_date = hmac(
        format!("AWS4{}", expected.secret_key).as_bytes(),
        auth.date.as_bytes(),
    );
    let k_region = hmac(&k_date, expected.region.as_bytes());
    let k_service = hmac(&k_region, expected.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    let signature = hex::encode(hmac(&k_signing, string_to_sign.as_bytes()));
    if signature == auth.signature {
        Ok(())
    } else {
        Err(Rejection::SignatureMismatch)
    }
}
