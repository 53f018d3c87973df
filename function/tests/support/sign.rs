//! The signer side for requests sent straight to the fake's Messages endpoint: aws-sigv4, as the
//! gateway signs, so the fake's own verifier (`sigv4.rs`) is checked against an independent
//! implementation. Shared by the gateway tests and the bench (which includes it by path).

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};

/// Who signs, and for which region and service.
pub struct Signer<'a> {
    pub access_key: &'a str,
    pub secret: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    pub settings: SigningSettings,
}

/// The headers of a JSON `POST` to `url` carrying `body`, signed (`host`, `content-type` and the
/// SigV4 ones).
pub fn signed_headers(url: &str, body: &[u8], signer: Signer<'_>) -> http::HeaderMap {
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/json"),
    ];
    let identity =
        aws_credential_types::Credentials::new(signer.access_key, signer.secret, None, None, "t")
            .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(signer.region)
        .name(signer.service)
        .time(std::time::SystemTime::now())
        .settings(signer.settings)
        .build()
        .expect("params")
        .into();
    let signable =
        SignableRequest::new("POST", url, headers.into_iter(), SignableBody::Bytes(body))
            .expect("signable");
    let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
    let mut req = http::Request::post(url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let mut req = req.body(()).expect("request");
    instructions.apply_to_request_http1x(&mut req);
    req.headers().clone()
}
