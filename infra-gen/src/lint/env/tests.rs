//! Secret detection tested by generated cases: random key material of every alphabet and
//! length, wrapped in every form a credential takes, under names in every case style, split
//! across variables — each must be found; and ordinary configuration (a corpus in
//! `tests/data/env_not_secrets.txt` and values generated from grammars) — none may be.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use super::names::{digest_name, pieces, public_name, secret_name, words};
use super::values::{bip39_words, secret_value};
use super::{Part, Resolved, literal_reason, prose_reason, split, variable_reason};

/// Generated cases are reproducible: a fixed seed, no persistence files.
fn config() -> Config {
    Config {
        cases: 256,
        rng_seed: RngSeed::Fixed(0x5ec2_e75e),
        failure_persistence: None,
        // A failure shows the generated case itself: shrinking random material makes it
        // `aaaa…`, which is no longer random.
        max_shrink_iters: 0,
        ..Config::default()
    }
}

const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn from_alphabet(
    alphabet: &'static [u8],
    len: std::ops::RangeInclusive<usize>,
) -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(alphabet), len)
        .prop_map(|v| String::from_utf8(v).unwrap_or_default())
        .boxed()
}

/// Random key material in each alphabet at secret lengths.
fn material() -> BoxedStrategy<String> {
    prop_oneof![
        from_alphabet(BASE62, 24..=64),
        from_alphabet(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            24..=64
        )
        .prop_map(|s| format!("{s}==")),
        from_alphabet(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            24..=64
        ),
        from_alphabet(b"0123456789abcdef", 32..=64),
        from_alphabet(b"0123456789ABCDEF", 32..=64),
        from_alphabet(b"abcdefghijklmnopqrstuvwxyz0123456789", 40..=64),
    ]
    .boxed()
}

/// A human-chosen password: not key material, found by where it stands.
fn password() -> impl Strategy<Value = String> {
    ("[a-z]{3,8}", "[0-9]{1,4}", "[A-Za-z!#%*]{0,4}").prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

/// Secret names as word lists: a qualifier (or none) and a head that holds a secret.
fn secret_words() -> impl Strategy<Value = Vec<&'static str>> {
    let heads: &[&[&str]] = &[
        &["password"],
        &["passwd"],
        &["pwd"],
        &["pass"],
        &["passphrase"],
        &["secret"],
        &["token"],
        &["credentials"],
        &["api", "key"],
        &["apikey"],
        &["secret", "key"],
        &["private", "key"],
        &["access", "key"],
        &["signing", "key"],
        &["encryption", "key"],
        &["master", "key"],
        &["client", "secret"],
        &["access", "token"],
        &["auth", "token"],
        &["refresh", "token"],
        &["bearer", "token"],
        &["session", "secret"],
        &["webhook", "secret"],
        &["account", "key"],
        &["shared", "access", "key"],
        &["basic", "auth"],
        &["hash", "salt"],
        &["passwort"],
        &["kennwort"],
        &["senha"],
        &["contrasena"],
        &["wachtwoord"],
        &["mot", "de", "passe"],
        &["kata", "sandi"],
        &["kata", "laluan"],
        &["cookie", "signing"],
        &["webhook", "signing"],
        &["mat", "khau"],
        &["parola"],
        &["lozinka"],
        &["mima"],
        &["totp", "seed"],
        &["pswd"],
        &["psw"],
        &["passw"],
        &["wifi", "psk"],
        &["snmp", "community"],
        &["clave"],
        &["contrasenya"],
        &["mdp"],
        &["pasahitza"],
        &["wagwoord"],
        &["lykilord"],
        &["fjalekalim"],
        &["chave", "secreta"],
        &["cle", "secrete"],
        &["secreto"],
        &["segredo"],
        &["segreto"],
        &["geheimnis"],
        &["sekret"],
        &["api", "chave"],
        &["api", "schluessel"],
    ];
    let qualifiers: &[&[&str]] = &[
        &[],
        &["db"],
        &["stripe"],
        &["openai"],
        &["github"],
        &["admin"],
        &["x"],
        &["my", "app"],
        &["smtp"],
        &["redis"],
    ];
    (
        prop::sample::select(qualifiers),
        prop::sample::select(heads),
    )
        .prop_map(|(q, h)| q.iter().chain(h.iter()).copied().collect())
}

/// Words joined in one case style; `glued` styles join without separators.
fn styled(words: &[&str], style: usize) -> String {
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    match style % 9 {
        0 => words.join("_").to_ascii_uppercase(),
        1 => words.join("_"),
        2 => words.join("-"),
        3 => words.join("."),
        4 => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { (*w).to_owned() } else { cap(w) })
            .collect(),
        5 => words.iter().map(|w| cap(w)).collect(),
        6 => words.concat(),
        7 => words.concat().to_ascii_uppercase(),
        _ => words.join("-").to_ascii_uppercase(),
    }
}

fn secret_names() -> impl Strategy<Value = String> {
    (secret_words(), 0..9usize).prop_map(|(w, style)| styled(&w, style))
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A secret (key material `m`, password `pw`) in one of the forms credentials take.
fn wrapped(m: &str, pw: &str, field: &str, form: usize) -> String {
    let schemes = [
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "mongodb+srv",
        "redis",
        "rediss",
        "amqp",
        "amqps",
        "mssql",
        "sqlserver",
        "jdbc:postgresql",
        "jdbc:mysql",
        "ftp",
        "sftp",
        "smtp",
        "ldap",
        "https",
        "kafka",
        "nats",
        "clickhouse",
    ];
    let scheme = schemes[form % schemes.len()];
    match form % 28 {
        0 => m.to_owned(),
        1 => format!("{scheme}://app:{pw}@db.internal:5432/app"),
        2 => format!("redis://:{pw}@cache.internal:6379/0"),
        3 => format!("Server=db.internal;Database=app;User Id=app;{field}={pw};"),
        4 => format!("Driver={{ODBC Driver 18 for SQL Server}};Server=db;Uid=sa;Pwd={pw};"),
        5 => format!(
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={m};EndpointSuffix=core.windows.net"
        ),
        6 => format!(
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={m}"
        ),
        7 => format!("jdbc:sqlserver://db:1433;databaseName=app;user=sa;password={pw};"),
        8 => format!("https://api.example.com/v1/events?page=2&{field}={pw}"),
        9 => format!("Authorization: Bearer {m}"),
        10 => format!("Bearer {m}"),
        11 => format!("Basic {}", b64(format!("app:{pw}").as_bytes())),
        12 => format!("X-Api-Key: {m}"),
        13 => format!("Token token={m}"),
        14 => format!("{field}={pw}"),
        15 => format!("{field} = {pw}"),
        16 => format!("{field}: {pw}"),
        17 => format!("HOST=db.internal\nPORT=5432\n{field}={pw}\n"),
        18 => format!(r#"{{"host":"db.internal","port":5432,"{field}":"{pw}"}}"#),
        19 => format!(r#"{{"db":{{"user":"app","{field}":"{pw}"}},"debug":false}}"#),
        20 => {
            let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#).replace('=', "");
            let payload = b64(br#"{"sub":"1234567890","iat":1516239022}"#).replace('=', "");
            let sig: String = m.chars().filter(char::is_ascii_alphanumeric).collect();
            format!("{header}.{payload}.{sig}")
        }
        21 => {
            let label = ["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", "DSA "][form % 6];
            format!("-----BEGIN {label}PRIVATE KEY-----\n{m}\n-----END {label}PRIVATE KEY-----")
        }
        22 => format!("https://hooks.example.com/services/{m}"),
        24 => format!("<config><host>db</host><{field}>{pw}</{field}></config>"),
        25 => format!("--host db.internal --{field} {pw} --verbose"),
        // A Java system property among the JVM's options (`JAVA_TOOL_OPTIONS`).
        26 => format!("-Xmx512m -Dapp.{field}={pw} -Dfile.encoding=UTF-8"),
        23 => {
            let alnum: String = m.chars().filter(char::is_ascii_alphanumeric).collect();
            let third = alnum.len() / 3;
            format!(
                "{}.{}.{}",
                &alnum[..third],
                &alnum[third..2 * third],
                &alnum[2 * third..]
            )
        }
        _ => format!("[database]\nhost = db\n{field} = \"{pw}\"\n"),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn secret_names_are_found_in_every_case_style(name in secret_names()) {
        prop_assert!(secret_name(&name), "{name}: {:?}", pieces(&name));
    }

    /// Mapbox's public token (`pk.`, a base64url JSON payload, a signature) passes under any
    /// name; `pk.` before a package and random material is no such token, and the material is
    /// found. A package's pieces are names only in one case or camelCase.
    #[test]
    fn mapbox_public_tokens_pass_and_pk_before_anything_else_does_not(
        payload in from_alphabet(BASE62, 20..=60),
        signature in from_alphabet(BASE62, 22..=22),
        package in prop::collection::vec("[a-z]{2,10}", 1..4),
        m in from_alphabet(BASE62, 40..=64),
        name in prop::sample::select(&["MAPBOX_TOKEN", "MAPBOX_PUBLIC_TOKEN", "MAP_TILES_KEY", "SETTING"][..]),
    ) {
        let token = format!("pk.eyJ1Ijoi{payload}.{signature}");
        prop_assert!(literal_reason(name, &token).is_none(), "{name}={token}");
        let value = format!("pk.{}.{m}", package.join("."));
        prop_assert!(literal_reason("SETTING", &value).is_some(), "{value}");
    }

    /// A package's lowercase segments before random material make no class name of it: the
    /// material is still found (`acme.prod.<key>`).
    #[test]
    fn random_material_after_a_package_is_still_material(
        package in prop::collection::vec("[a-z]{2,10}", 2..5),
        m in from_alphabet(BASE62, 40..=64),
    ) {
        let value = format!("{}.{m}", package.join("."));
        prop_assert!(literal_reason("SETTING", &value).is_some(), "{value}");
    }

    #[test]
    fn secret_named_variables_with_literals_are_found(name in secret_names(), pw in password()) {
        prop_assert!(literal_reason(&name, &pw).is_some(), "{name}={pw}");
    }

    #[test]
    fn secrets_are_found_in_every_form_whatever_the_variable_name(
        m in material(),
        pw in password(),
        field in secret_names(),
        form in 0..56usize,
        name in prop::sample::select(&["CONFIG", "DATABASE_URL", "SETTINGS", "UPSTREAM", "HEADERS", "BLOB"][..]),
    ) {
        // JSON keys and header fields take names without separators inside values.
        let field = if field.contains(['.', ' ']) { field.replace('.', "_") } else { field };
        let value = wrapped(&m, &pw, &field, form);
        prop_assert!(literal_reason(name, &value).is_some(), "{name}={value}");
    }

    #[test]
    fn secrets_split_across_variables_are_found_joined(
        m in prop_oneof![
            material(),
            from_alphabet(BASE62, 36..=36).prop_map(|s| format!("ghp_{s}")),
            from_alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16..=16).prop_map(|s| format!("AKIA{s}")),
        ],
        cuts in prop::collection::vec(1..19usize, 1..3),
        style in 0..10usize,
    ) {
        // Parts short enough that none is key material alone.
        let mut parts = Vec::new();
        let mut rest = m.as_str();
        for cut in cuts {
            if rest.len() > cut {
                let (a, b) = rest.split_at(cut);
                parts.push(a.to_owned());
                rest = b;
            }
        }
        while rest.len() > 18 {
            let (a, b) = rest.split_at(18);
            parts.push(a.to_owned());
            rest = b;
        }
        parts.push(rest.to_owned());
        // Joined, it is what one variable holding it would be: a key gitleaks reads as too
        // regular (`AKIAIBWBXKXKGUIBBEIW`, below its entropy) is none split either.
        prop_assume!(literal_reason("BLOB", &m).is_some());
        prop_assume!(parts.len() > 1 && parts.iter().all(|p| literal_reason("BLOB", p).is_none()));
        let n = parts.len();
        let letter = |i: usize| char::from(b'A' + u8::try_from(i).unwrap_or(0));
        const ORDINALS: [&str; 6] = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH"];
        const ROMAN: [&str; 8] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];
        let names: Vec<String> = (0..n)
            .map(|i| match style {
                0 => format!("BLOB_{}", i + 1),
                1 => format!("BLOB_PART{}", i + 1),
                2 => format!("BLOB_{}", letter(i)),
                3 => format!("blobPart{}", i + 1),
                4 => format!("blobKey{}", letter(i)),
                5 => format!("PART{}_BLOB", i + 1),
                6 => format!("BLOB_{}_OF_{n}", i + 1),
                7 => format!("{}_HALF_BLOB", ORDINALS[i % 6]),
                8 => format!("BLOB{}", i + 1),
                _ => format!("BLOB_{}", ROMAN[i % 8]),
            })
            .collect();
        // Declared in reverse: the suffixes give the order.
        let vars: Vec<(&str, String)> = names
            .iter()
            .map(String::as_str)
            .zip(parts.iter().cloned())
            .rev()
            .collect();
        let found = split::secrets(&vars);
        prop_assert_eq!(found.len(), 1, "{:?}", vars);
        prop_assert_eq!(found[0].0.len(), parts.len());
    }

    #[test]
    fn generated_ordinary_values_are_not_secrets((name, value) in ordinary()) {
        prop_assert!(literal_reason(&name, &value).is_none(), "{name}={value}: {:?}", literal_reason(&name, &value));
    }
}

/// Ordinary configuration from grammars: names without secret words or naming a secret's
/// property, with values of the kinds configuration holds.
fn ordinary() -> impl Strategy<Value = (String, String)> {
    let region = prop::sample::select(
        &[
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "ca-central-1",
            "sa-east-1",
            "us-gov-west-1",
            "cn-north-1",
        ][..],
    );
    let account = "[0-9]{12}";
    // Words that are not themselves secret names (`key`, `token`).
    let word = || "[a-z]{3,10}".prop_filter("a plain word", |w| !secret_name(w));
    let arn =
        (region.clone(), account, word(), word(), "[A-Za-z0-9]{6}").prop_map(|(r, a, w, x, s)| {
            (
                "SECRET_ARN".to_owned(),
                format!("arn:aws:secretsmanager:{r}:{a}:secret:{w}/{x}-{s}"),
            )
        });
    let model = (
        prop::sample::select(&["", "us.", "eu.", "global.", "apac."][..]),
        prop::sample::select(
            &[
                "claude-sonnet",
                "claude-opus",
                "claude-haiku",
                "nova-pro",
                "titan-embed-text",
            ][..],
        ),
        0..9u8,
        0..9u8,
        20240101..20261231u32,
    )
        .prop_map(|(p, m, a, b, d)| {
            (
                "MODEL_ID".to_owned(),
                format!("{p}anthropic.{m}-{a}-{b}-{d}-v1:0"),
            )
        });
    let url = (word(), word(), "[a-z0-9/-]{0,30}", 0..3usize).prop_map(|(a, b, path, tld)| {
        let tld = ["com", "io", "internal"][tld];
        (
            "SERVICE_URL".to_owned(),
            format!("https://{a}.{b}.{tld}/{path}"),
        )
    });
    // A query string of settings, `?region=us-west-2&page_size=100`: what is left of the URL
    // once its host and path are read as identifiers.
    let query_url = (
        word(),
        word(),
        prop::collection::vec((word(), prop::bool::ANY, "[a-z0-9-]{1,12}"), 2..6),
    )
        .prop_map(|(a, b, params)| {
            let query: Vec<String> = params
                .iter()
                .map(|(k, sized, v)| {
                    if *sized {
                        format!("{k}_size={v}")
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            (
                "API_URL".to_owned(),
                format!("https://{a}.{b}.dev/v1/{a}?{}", query.join("&")),
            )
        });
    let lambda_url =
        from_alphabet(b"abcdefghijklmnopqrstuvwxyz0123456789", 32..=32).prop_map(|id| {
            (
                "FUNCTION_URL".to_owned(),
                format!("https://{id}.lambda-url.us-west-2.on.aws/"),
            )
        });
    let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
        .prop_map(|u| ("REQUEST_ID".to_owned(), u));
    let sha = (
        from_alphabet(b"0123456789abcdef", 40..=40),
        prop::sample::select(
            &[
                "GIT_SHA",
                "COMMIT",
                "SOURCE_VERSION",
                "BUILD_COMMIT_HASH",
                "gitRevision",
            ][..],
        ),
    )
        .prop_map(|(s, n)| (n.to_owned(), s));
    let digest = from_alphabet(b"0123456789abcdef", 64..=64).prop_map(|d| {
        (
            "IMAGE_URI".to_owned(),
            format!("123456789012.dkr.ecr.us-west-2.amazonaws.com/app@sha256:{d}"),
        )
    });
    let semver = (0..30u32, 0..30u32, 0..99u32)
        .prop_map(|(a, b, c)| ("APP_VERSION".to_owned(), format!("{a}.{b}.{c}")));
    let property = (
        prop::sample::select(
            &[
                "TOKEN_TTL",
                "PASSWORD_MIN_LENGTH",
                "SESSION_TIMEOUT",
                "API_KEY_ROTATION_DAYS",
                "SECRET_CACHE_SECONDS",
                "maxTokens",
            ][..],
        ),
        0..100_000u32,
    )
        .prop_map(|(n, v)| (n.to_owned(), v.to_string()));
    let secret_path = (
        word(),
        word(),
        prop::sample::select(
            &[
                "API_KEY_SECRET_NAME",
                "DB_PASSWORD_PARAMETER",
                "TOKEN_PARAM",
                "SECRET_ID",
            ][..],
        ),
    )
        .prop_map(|(a, b, n)| (n.to_owned(), format!("/{a}/prod/{b}")));
    let flag = (
        prop::sample::select(
            &[
                "AUTH_ENABLED",
                "REQUIRE_TOKEN",
                "PASSWORD_LOGIN",
                "USE_API_KEY",
                "COOKIE_SECURE",
            ][..],
        ),
        prop::sample::select(&["true", "false", "yes", "no", "on", "off", "1", "0"][..]),
    )
        .prop_map(|(n, v)| (n.to_owned(), v.to_owned()));
    let ssh_public = from_alphabet(BASE62, 68..=68).prop_map(|k| {
        (
            "DEPLOY_PUBLIC_KEY".to_owned(),
            format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5{k} deploy@example.com"),
        )
    });
    let pem_public = from_alphabet(BASE62, 64..=64).prop_map(|k| {
        (
            "JWT_PUBLIC_KEY".to_owned(),
            format!("-----BEGIN PUBLIC KEY-----\n{k}\n-----END PUBLIC KEY-----"),
        )
    });
    let publishable = from_alphabet(BASE62, 24..=99)
        .prop_map(|k| ("STRIPE_PUBLISHABLE_KEY".to_owned(), format!("pk_live_{k}")));
    let json = (word(), word(), 0..1000u32).prop_map(|(a, b, n)| {
        (
            "APP_CONFIG".to_owned(),
            format!(r#"{{"{a}":"{b}","limit":{n},"region":"us-west-2","tokenTtl":3600}}"#),
        )
    });
    let cron = (0..60u32, 0..24u32)
        .prop_map(|(m, h)| ("SCHEDULE".to_owned(), format!("cron({m} {h} * * ? *)")));
    let identifier = (
        "[A-Z][a-z]{3,8}",
        "[A-Z][a-z]{3,8}",
        "[A-Z][a-z]{3,8}",
        "[A-Z][a-z]{2,8}",
    )
        .prop_map(|(a, b, c, d)| ("LOGICAL_ID".to_owned(), format!("{a}{b}{c}{d}")));
    // A class named by its package, its words short of vowels or not (`UrlConnectionSdkHttpService`).
    let class = (
        prop::collection::vec("[a-z]{2,10}", 2..6),
        prop::collection::vec(
            prop_oneof![
                "[A-Z][aeiou][a-z]{2,7}".boxed(),
                prop::sample::select(
                    &[
                        "Sdk", "Http", "Xml", "Jdbc", "Grpc", "Tls", "Dns", "Kms", "Sql", "Ssl"
                    ][..]
                )
                .prop_map(str::to_owned)
                .boxed(),
            ],
            2..6,
        ),
    )
        .prop_map(|(package, words)| {
            let package = package.join(".");
            (
                "JAVA_TOOL_OPTIONS".to_owned(),
                format!("-D{package}.impl={package}.{}", words.concat()),
            )
        });
    prop_oneof![
        arn,
        class,
        model,
        url,
        query_url,
        lambda_url,
        uuid,
        sha,
        digest,
        semver,
        property,
        secret_path,
        flag,
        ssh_public,
        pem_public,
        publishable,
        json,
        cron,
        identifier,
    ]
}

#[test]
fn the_ordinary_configuration_corpus_has_no_secrets() {
    let corpus = include_str!("../../../tests/data/env_not_secrets.txt");
    let lines: Vec<(&str, String)> = corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('='))
        .map(|(n, v)| (n, v.replace("\\n", "\n")))
        .collect();
    let flagged: Vec<String> = lines
        .iter()
        .filter_map(|(n, v)| literal_reason(n, v).map(|why| format!("{n}={v}: {why}")))
        .collect();
    assert!(lines.len() > 300, "{} lines", lines.len());
    assert!(
        flagged.is_empty(),
        "{} of {} flagged:\n{}",
        flagged.len(),
        lines.len(),
        flagged.join("\n")
    );
}

#[test]
fn case_styles_and_concatenations_name_secrets() {
    for n in [
        "OPENAI_API_KEY",
        "AUTH_SECRET",
        "DISCORD_BOT_TOKEN",
        "DB_PASSWORD",
        "MAILGUN_KEY",
        "DBPASSWORD",
        "apikey",
        "SECRETKEY",
        "authtoken",
        "xApiKey",
        "clientSecret",
        "db-pass",
        "Shared Access Key",
        "SECRET_KEY_BASE",
        "DB_PASSWORDS",
        "ADMIN_API_KEYS",
        "htpasswd",
        "PGPASSWORD",
        "oauth2Token",
    ] {
        assert!(secret_name(n), "{n}: {:?}", pieces(n));
    }
    for n in [
        "LOG_LEVEL",
        "DISCORD_PUBLIC_KEY",
        "KEYBOARD_LAYOUT",
        "MONKEY",
        "KEY_ID",
        "TOKEN_TTL",
        "PASSWORD_MIN_LENGTH",
        "SECRET_ARN",
        "DB_SECRET_NAME",
        "TOKEN_URL",
        "STRIPE_PUBLISHABLE_KEY",
        "PARTITION_KEY",
        "S3_KEY",
        "KMS_KEY_ID",
        "TOKENIZER",
        "SECRETARY",
        "BYPASS",
        "PASSPORT",
    ] {
        assert!(!secret_name(n), "{n}: {:?}", pieces(n));
    }
    assert_eq!(words("HTTPServerAPIKey"), ["http", "server", "api", "key"]);
}

#[test]
fn public_by_design_values_are_not_secrets() {
    for v in [
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host",
        "pk_live_51H7xYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#,
    ] {
        assert!(secret_value(v, None).is_none(), "{v}");
    }
    let private_jwk = r#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}"#;
    assert!(secret_value(private_jwk, None).is_some());
    assert!(
        secret_value(
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----",
            None
        )
        .is_some()
    );
}

proptest! {
    #![proptest_config(config())]

    /// A publishable key is public only as the whole value: listed with anything after it —
    /// its secret twin (`pk_live_…,sk_live_…`), another vendor's token — the rest is judged.
    #[test]
    fn a_publishable_key_exempts_only_itself(
        public in prop::sample::select(&["pk_live_", "pk_test_", "phc_"][..]),
        body in from_alphabet(BASE62, 24..=60),
        secret in from_alphabet(BASE62, 24..=40),
        joined in prop::sample::select(&[",", ";", ":", " ", "|", "\n"][..]),
        twin in prop::sample::select(&["sk_live_", "rk_live_", "ghp_"][..]),
    ) {
        let key = format!("{public}{body}");
        prop_assert!(literal_reason("PAYMENT_KEYS", &key).is_none(), "{key}");
        let tail = if twin == "ghp_" { format!("ghp_{}", &format!("{secret}{secret}")[..36]) } else { format!("{twin}{secret}") };
        let both = format!("{key}{joined}{tail}");
        prop_assert!(literal_reason("PAYMENT_KEYS", &both).is_some(), "{both}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A DSN is a data source's name or its connection string, not a secret by its name: ODBC's
    /// `DSN=OrdersProd`, Go's MySQL DSN and an Oracle descriptor without a password pass under
    /// it; the same with a password is found by the password's place.
    #[test]
    fn a_dsn_is_judged_by_its_credentials_not_its_name(
        name in prop::sample::select(&["DSN", "MYSQL_DSN", "ORACLE_DSN", "ODBC_DSN", "PG_DSN", "DATABASE_DSN"][..]),
        host in "[a-z]{3,10}",
        db in "[a-z]{3,10}",
        user in "[a-z]{3,8}",
        pw in "[A-Z][a-z]{3,6}[0-9]{3,5}[a-z]{2}",
        form in 0..4usize,
    ) {
        let (plain, with_password) = match form {
            0 => (format!("{user}@tcp({host}.internal:3306)/{db}?tls=true&parseTime=true"),
                  format!("{user}:{pw}@tcp({host}.internal:3306)/{db}?tls=true")),
            1 => (format!("(DESCRIPTION=(ADDRESS=(PROTOCOL=TCPS)(HOST={host}.internal)(PORT=2484))(CONNECT_DATA=(SERVICE_NAME={db})))"),
                  format!("{user}/{pw}@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST={host}.internal)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME={db})))")),
            2 => (format!("postgres://{user}@{host}.internal:5432/{db}?sslmode=verify-full"),
                  format!("postgres://{user}:{pw}@{host}.internal:5432/{db}")),
            _ => (format!("{}{}Prod", db[..1].to_ascii_uppercase(), &db[1..]),
                  format!("DSN={db};UID={user};PWD={pw}")),
        };
        prop_assert!(literal_reason(name, &plain).is_none(), "{name}={plain}: {:?}", literal_reason(name, &plain));
        prop_assert!(literal_reason(name, &with_password).is_some(), "{name}={with_password}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// CamelCase names of technical words short of vowels (a Java class, a plugin's name:
    /// `MysqlClearPasswordPlugin`) are identifiers, not random material, in any setting;
    /// random letters and digits of the same length still are material.
    #[test]
    fn camel_case_names_of_technical_words_are_identifiers(
        words in prop::collection::vec(
            prop::sample::select(&[
                "Mysql", "Sync", "Crypt", "Gzip", "Json", "Yaml", "Byte", "Proxy", "Clear",
                "Plugin", "Handler", "Password", "Rhythm", "Style", "Dynamo", "Lambda", "Flyway",
            ][..]),
            4..7,
        ),
        package in "[a-z]{3,6}(\\.[a-z]{2,8}){1,3}",
        noise in from_alphabet(BASE62, 24..=40),
    ) {
        let class = words.concat();
        let value = format!("{package}.{class}");
        prop_assert!(literal_reason("AUTHENTICATION_PLUGINS", &value).is_none(), "{value}");
        prop_assert!(literal_reason("JDBC_URL", &format!("jdbc:mysql://db.internal:3306/app?user=app&authenticationPlugins={value}")).is_none(), "{value}");
        prop_assert!(secret_value(&noise, None).is_some() || noise.bytes().all(|b| b.is_ascii_digit()), "{noise}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A semantic version with the commit a build appends — SemVer's build metadata
    /// (`1.4.2+<sha>`), git describe's `v1.4.2-17-g<sha>`, a pre-release before it — names a
    /// release under any name; the same hex alone under a neutral name is still material.
    #[test]
    fn a_version_with_its_commit_is_public(
        (major, minor, patch) in (0..30u32, 0..100u32, 0..100u32),
        sha in "[0-9a-f]{40}",
        form in 0..4usize,
        since in 1..500u32,
        name in prop::sample::select(&["BUILD_DESCRIBE", "APP", "RELEASE_NAME", "OTEL_RESOURCE_ATTRIBUTES"][..]),
    ) {
        prop_assume!(sha.bytes().any(|b| b.is_ascii_digit()) && sha.bytes().any(|b| b.is_ascii_alphabetic()));
        let version = match form {
            0 => format!("{major}.{minor}.{patch}+{sha}"),
            1 => format!("v{major}.{minor}.{patch}-{since}-g{sha}"),
            2 => format!("{major}.{minor}.{patch}-rc.{since}+git.{sha}"),
            _ => format!("service.version={major}.{minor}.{patch}-{since}-g{sha},deployment.environment=prod"),
        };
        prop_assert!(literal_reason(name, &version).is_none(), "{name}={version}: {:?}", literal_reason(name, &version));
        prop_assert!(literal_reason("UPSTREAM", &sha).is_some(), "{sha}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// An Application Insights connection string names its resource by an instrumentation
    /// key, which Microsoft documents as no secret: it passes under any of its usual names; an
    /// Azure connection string with an `AccountKey` beside it is still found.
    #[test]
    fn an_instrumentation_key_names_a_telemetry_resource(
        key in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        app in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        region in prop::sample::select(&["westeurope", "eastus", "northeurope", "uksouth"][..]),
        n in 1..9u32,
        name in prop::sample::select(&["APPLICATIONINSIGHTS_CONNECTION_STRING", "APPINSIGHTS_INSTRUMENTATIONKEY", "AZURE_MONITOR"][..]),
        account_key in from_alphabet(BASE62, 86..=86),
    ) {
        let connection = format!(
            "InstrumentationKey={key};IngestionEndpoint=https://{region}-{n}.in.applicationinsights.azure.com/;LiveEndpoint=https://{region}.livediagnostics.monitor.azure.com/;ApplicationId={app}"
        );
        let value = if name == "APPINSIGHTS_INSTRUMENTATIONKEY" { key.clone() } else { connection };
        prop_assert!(literal_reason(name, &value).is_none(), "{name}={value}");
        let storage = format!("DefaultEndpointsProtocol=https;AccountName=orders;AccountKey={account_key}==;EndpointSuffix=core.windows.net");
        prop_assert!(literal_reason("AZURE_MONITOR", &storage).is_some(), "{storage}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A webhook's ID is its key even when short: on a host named for hooks (Zapier's
    /// `hooks.zapier.com/hooks/catch/<n>/<id>/`, Make's `hook.<zone>.make.com/<id>`) or after
    /// a `hooks` segment, a segment of letters and digits lets any sender in; numeric IDs, API
    /// versions and words there name resources.
    #[test]
    fn a_webhooks_short_id_is_its_key(
        account in "[1-9][0-9]{5,8}",
        id in "[a-z0-9]{7,12}",
        zone in prop::sample::select(&["eu1", "eu2", "us1", "us2"][..]),
        word in "[a-z]{3,10}",
        version in "v[1-9](beta[1-9]|alpha)?",
        form in 0..3usize,
        name in prop::sample::select(&["NOTIFY_URL", "ORDER_EVENTS", "ZAP"][..]),
    ) {
        prop_assume!(id.bytes().any(|b| b.is_ascii_digit()) && id.bytes().any(|b| b.is_ascii_alphabetic()));
        let hook = match form {
            0 => format!("https://hooks.zapier.com/hooks/catch/{account}/{id}/"),
            1 => format!("https://hook.{zone}.make.com/{id}{id}"),
            _ => format!("https://chat.acme.dev/hooks/{id}"),
        };
        prop_assert!(literal_reason(name, &hook).is_some(), "{hook}");
        for plain in [
            format!("https://api.github.com/repos/acme/{word}/hooks/{account}"),
            format!("https://docs.acme.dev/webhooks/{version}/{word}"),
            format!("https://hooks.acme.dev/{version}/{word}"),
        ] {
            prop_assert!(literal_reason(name, &plain).is_none(), "{plain}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Module and provider hashes after their algorithm's label — Go's `h1:` (SHA-256 in
    /// base64, in `go.sum` and Terraform's lock file) and Terraform's `zh:` (hex) — are
    /// digests; the same base64 of no digest's length after it is still material.
    #[test]
    fn module_hashes_after_their_label_are_digests(
        digest in from_alphabet(BASE62, 43..=43),
        zip in "[0-9a-f]{64}",
        module in "[a-z]{3,8}/[a-z]{3,8}",
        (major, minor) in (0..20u32, 0..50u32),
    ) {
        prop_assume!(zip.bytes().any(|b| b.is_ascii_digit()) && zip.bytes().any(|b| b.is_ascii_alphabetic()));
        let sum = format!("github.com/{module} v{major}.{minor}.0 h1:{digest}=");
        prop_assert!(literal_reason("SDK_MODULE", &sum).is_none(), "{sum}");
        let lock = format!("h1:{digest}= zh:{zip}");
        prop_assert!(literal_reason("PROVIDER_LOCK", &lock).is_none(), "{lock}");
        let longer = format!("h1:{digest}{}", &digest[..10]);
        prop_assert!(literal_reason("PROVIDER_LOCK", &longer).is_some(), "{longer}");
    }

    /// An object's version or revision is an opaque ID (S3's version IDs), like an `_ID`: not
    /// judged by entropy under a name ending in it; vendor formats still are.
    #[test]
    fn a_version_id_is_an_identifier(
        id in from_alphabet(BASE62, 32..=32),
        stem in prop::sample::select(&["RULES_OBJECT", "TEMPLATE", "MODEL_ARTIFACT", "CONFIG_S3"][..]),
        last in prop::sample::select(&["VERSION", "VERSION_ID", "REVISION"][..]),
    ) {
        let name = format!("{stem}_{last}");
        prop_assert!(literal_reason(&name, &id).is_none(), "{name}={id}");
        let token = format!("ghp_{}", &id[..32]);
        prop_assert!(literal_reason(&name, &format!("{token}abcd")).is_some(), "{name}={token}");
    }

    /// A token or key named for a browser or a front end ships in pages (Unleash's front-end
    /// tokens, New Relic's browser key): public; a secret's format under such a name (a Stripe
    /// secret key) is still found. A token's refresh is a setting; a refresh token is a secret.
    #[test]
    fn browser_and_front_end_tokens_are_public(
        hex in "[0-9a-f]{64}",
        nrjs in "[0-9a-f]{19}",
        secret in from_alphabet(BASE62, 24..=40),
        vendor in prop::sample::select(&["UNLEASH", "FLAGS", "RUM", "NEW_RELIC"][..]),
        word in "[a-z]{4,9}",
    ) {
        let front_end = (format!("{vendor}_FRONTEND_TOKEN"), format!("*:production.{hex}"));
        let browser = (format!("{vendor}_BROWSER_KEY"), format!("NRJS-{nrjs}"));
        let stripe = (browser.0.clone(), format!("sk_live_{secret}"));
        prop_assert!(literal_reason(&front_end.0, &front_end.1).is_none(), "{:?}", front_end);
        prop_assert!(literal_reason(&browser.0, &browser.1).is_none(), "{:?}", browser);
        prop_assert!(literal_reason(&stripe.0, &stripe.1).is_some(), "{:?}", stripe);
        prop_assert!(literal_reason("TOKEN_REFRESH", &word).is_none(), "{}", word);
        prop_assert!(literal_reason("REFRESH_TOKEN", &word).is_some(), "{}", word);
    }
}

/// Base58Check, as Bitcoin writes addresses, extended keys and WIF private keys.
fn base58check(payload: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut data = payload.to_vec();
    data.extend_from_slice(&Sha256::digest(Sha256::digest(payload))[..4]);
    let mut digits: Vec<u8> = Vec::new();
    for &byte in &data {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = data.iter().take_while(|b| **b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|d| char::from(ALPHABET[usize::from(*d)])),
        )
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// Bitcoin's addresses and extended public keys are public by their Base58Check version
    /// (the checksum proves the structure); its WIF private keys and `xprv`s, in the same
    /// encoding, are still key material.
    #[test]
    fn base58check_addresses_and_public_keys_are_public_and_private_keys_are_not(
        hash in prop::collection::vec(any::<u8>(), 20),
        key in prop::collection::vec(any::<u8>(), 32),
        chain in prop::collection::vec(any::<u8>(), 32),
        version in prop::sample::select(&[0x00u8, 0x05, 0x6f, 0xc4][..]),
        name in prop::sample::select(&["DONATIONS", "TREASURY", "PAYOUT_TO", "COLD_WALLET"][..]),
    ) {
        let address = base58check(&[&[version][..], &hash].concat());
        prop_assert!(literal_reason(name, &address).is_none(), "{address}");
        let extended = |prefix: [u8; 4], private: bool| {
            let mut p = prefix.to_vec();
            p.extend_from_slice(&[0; 9]);
            p.extend_from_slice(&chain);
            if private { p.push(0); p.extend_from_slice(&key); } else { p.push(2); p.extend_from_slice(&key); }
            base58check(&p)
        };
        let xpub = extended([0x04, 0x88, 0xb2, 0x1e], false);
        prop_assert!(literal_reason(name, &xpub).is_none(), "{xpub}");
        let xprv = extended([0x04, 0x88, 0xad, 0xe4], true);
        prop_assert!(literal_reason(name, &xprv).is_some(), "{xprv}");
        let wif = base58check(&[&[0x80][..], &key, &[0x01][..]].concat());
        prop_assert!(literal_reason(name, &wif).is_some(), "{wif}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// PASERK (PASETO's key serialization) says a key's kind in its type: public keys and key
    /// IDs (`k4.public.…`, `k4.pid.…`) are public, symmetric and secret keys (`k4.local.…`,
    /// `k4.secret.…`) are keys.
    #[test]
    fn paserk_types_tell_public_keys_from_secret_ones(
        version in 1..5u8,
        public in from_alphabet(BASE62, 43..=43),
        secret in from_alphabet(BASE62, 43..=86),
        id_kind in prop::sample::select(&["public", "pid", "lid", "sid"][..]),
        secret_kind in prop::sample::select(&["local", "secret"][..]),
    ) {
        let shown = format!("k{version}.{id_kind}.{public}");
        prop_assert!(literal_reason("PASETO_VERIFY", &shown).is_none(), "{}", shown);
        let key = format!("k{version}.{secret_kind}.{secret}");
        prop_assert!(literal_reason("TOKEN_ISSUER", &key).is_some(), "{}", key);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A DKIM record's `p=` is the public key DNS publishes (RFC 6376), whatever its
    /// algorithm's encoding (raw Ed25519, RFC 8463); the same base64 as another field's value
    /// is material.
    #[test]
    fn a_dkim_records_key_is_public(
        key in from_alphabet(BASE62, 43..=43),
        algorithm in prop::sample::select(&["ed25519", "rsa"][..]),
        name in prop::sample::select(&["DKIM_RECORD", "MAIL_DKIM", "DKIM_TXT"][..]),
    ) {
        let record = format!("v=DKIM1; k={algorithm}; p={key}=");
        prop_assert!(literal_reason(name, &record).is_none(), "{}", record);
        let other = format!("v=1; k={algorithm}; s={key}=");
        prop_assert!(literal_reason(name, &other).is_some(), "{}", other);
    }
}

#[test]
fn a_uuid_is_an_identifier_unless_named_like_a_secret() {
    let uuid = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    assert!(literal_reason("TENANT_ID", uuid).is_none());
    assert!(literal_reason("API_TOKEN", uuid).is_some());
}

#[test]
fn a_git_sha_is_public_only_under_a_digest_name() {
    let sha = "3f786850e387550fdab836ed7e6dc881de23001b";
    assert!(literal_reason("GIT_SHA", sha).is_none());
    assert!(literal_reason("UPSTREAM", sha).is_some());
}

#[test]
fn vendor_tokens_are_found_whatever_their_length() {
    for token in [
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        "glpat-0123456789abcdefghij",
        "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx",
        "sk_live_0123456789abcdefghijklmn",
        "npm_0123456789abcdefghijklmnopqrstuvwxyz",
        "AKIAIOSFODNN7EXAMPLE",
    ] {
        assert!(secret_value(token, None).is_some(), "{token}");
    }
}

#[test]
fn keys_vendors_document_as_public_are_not_secrets() {
    for (name, value) in [
        ("ALGOLIA_SEARCH_KEY", "6be0576ff61c053d5f9a3225e2a90f76"),
        (
            "RECAPTCHA_SITE_KEY",
            "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI",
        ),
        (
            "MAPBOX_ACCESS_TOKEN",
            "pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJjbGFiYzEyMyJ9.AbCdEfGhIjKlMnOp",
        ),
        ("STRIPE_KEY", "pk_test_TYooMQauvdEDq54NiTphI7jx"),
        (
            "DEPLOY_KEY",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ci",
        ),
    ] {
        assert_eq!(literal_reason(name, value), None, "{name}={value}");
    }
    assert!(literal_reason("ALGOLIA_ADMIN_KEY", "6be0576ff61c053d5f9a3225e2a90f76").is_some());
    assert!(
        literal_reason(
            "RECAPTCHA_SECRET_KEY",
            "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe"
        )
        .is_some()
    );
}

#[test]
fn base64_is_judged_by_what_it_encodes() {
    assert_eq!(
        literal_reason(
            "CONFIG_B64",
            "eyJsZXZlbCI6ImluZm8iLCJyZWdpb24iOiJ1cy13ZXN0LTIifQ=="
        ),
        None
    );
    assert!(literal_reason("CONFIG_B64", "eyJwYXNzd29yZCI6Imh1bnRlcjIifQ==").is_some());
    assert!(
        literal_reason(
            "REGISTRY",
            r#"{"auths":{"r.example.com":{"auth":"YXBwOmh1bnRlcjI="}}}"#
        )
        .is_some()
    );
    assert!(literal_reason("JDBC", "jdbc:oracle:thin:scott/tiger@db.internal:1521:orcl").is_some());
}

#[test]
fn numbers_and_durations_under_secret_names_are_settings_but_passwords_are_not() {
    for v in ["3600", "30s", "15 min", "1.5", "512MB", "PT15M", "-1"] {
        assert_eq!(literal_reason("TOKEN_LIFETIME_OVERRIDE", v), None, "{v}");
        assert_eq!(literal_reason("MAX_TOKENS", v), None, "{v}");
    }
    for v in ["1234abcd", "42hunter", "9xyzzy"] {
        assert!(literal_reason("DB_PASSWORD", v).is_some(), "{v}");
    }
}

#[test]
fn parts_named_by_ordinal_words_are_joined_in_their_order() {
    let vars = [
        ("BLOB_TAIL", "pQ7rS9tU1vW3xY5".to_owned()),
        ("BLOB_HEAD", "aB3dE5gH7jK9mN1".to_owned()),
        ("LOG_LEVEL", "info".to_owned()),
    ];
    let found = split::secrets(&vars);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, ["BLOB_HEAD", "BLOB_TAIL"]);
}

#[test]
fn settings_that_are_not_parts_are_never_joined() {
    let vars = [
        ("EXPORTS_BUCKET", "aB3dE5gH7jK9".to_owned()),
        ("EXPORTS_PREFIX", "mN1pQ7rS9tU1vW3xY5".to_owned()),
    ];
    assert!(split::secrets(&vars).is_empty());
}

proptest! {
    #![proptest_config(config())]

    /// A digest is public in base64 as in hex: after its algorithm (SRI's `sha384-`, `SHA256:`)
    /// or under a digest's name. The same bytes under another name, unprefixed, are key
    /// material.
    #[test]
    fn base64_digests_are_public_where_they_say_they_are_digests(
        bytes in prop::collection::vec(any::<u8>(), 32..=32),
        algorithm in prop::sample::select(&["sha256", "sha384", "sha512"][..]),
        form in 0..4usize,
    ) {
        let len = match algorithm { "sha384" => 48, "sha512" => 64, _ => 32 };
        let digest: Vec<u8> = bytes.iter().cycle().take(len).copied().collect();
        let text = b64(&digest);
        let (name, value) = match form {
            0 => ("CDN_SCRIPT_INTEGRITY", format!("{algorithm}-{text}")),
            1 => ("CONTENT_SECURITY_POLICY", format!("script-src 'self' '{algorithm}-{text}'")),
            2 => ("SFTP_HOST_FINGERPRINT", format!("{}:{}", algorithm.to_ascii_uppercase(), text.trim_end_matches('='))),
            // A certificate pin, as OkHttp and HPKP write it.
            _ => ("TLS_PIN", format!("{algorithm}/{text}")),
        };
        prop_assert!(literal_reason(name, &value).is_none(), "{name}={value}");
        prop_assert!(literal_reason("EXPECTED_CHECKSUM", &text).is_none(), "{text}");
        prop_assert!(literal_reason("UPSTREAM", &text).is_some(), "{text}");
    }

    /// SSH public keys and X.509 certificates are public by their own structure, wherever
    /// they stand (a known_hosts line, a certificate without PEM armour); a private key in
    /// DER is not.
    #[test]
    fn public_keys_and_certificates_are_public_by_structure(
        key in prop::collection::vec(any::<u8>(), 32..=32),
        body in prop::collection::vec(any::<u8>(), 200..=300),
        host in "[a-z]{3,10}\\.example\\.com",
    ) {
        let mut ssh = Vec::new();
        for part in [b"ssh-ed25519".as_slice(), key.as_slice()] {
            ssh.extend_from_slice(&u32::try_from(part.len()).unwrap_or_default().to_be_bytes());
            ssh.extend_from_slice(part);
        }
        let known_host = format!("{host} ssh-ed25519 {}", b64(&ssh));
        prop_assert!(literal_reason("SFTP_KNOWN_HOSTS", &known_host).is_none(), "{known_host}");
        // SEQUENCE { SEQUENCE { [0] version, … } }: a certificate; SEQUENCE { INTEGER 0, … }: a
        // PKCS#8 private key.
        let der = |first: &[u8]| {
            let mut inner = first.to_vec();
            inner.extend_from_slice(&body);
            let mut out = vec![0x30, 0x82];
            out.extend_from_slice(&u16::try_from(inner.len()).unwrap_or_default().to_be_bytes());
            out.extend_from_slice(&inner);
            b64(&out)
        };
        let n = u16::try_from(body.len() + 5).unwrap_or_default().to_be_bytes();
        let certificate = der(&[0x30, 0x82, n[0], n[1], 0xa0, 0x03, 0x02, 0x01, 0x02]);
        prop_assert!(literal_reason("SAML_IDP_CERT", &certificate).is_none(), "{certificate}");
        let private = der(&[0x02, 0x01, 0x00, 0x30, 0x0d]);
        prop_assert!(literal_reason("SAML_IDP_CERT", &private).is_some(), "{private}");
    }

    /// A template's placeholder stands where a value will go; it is not the value.
    #[test]
    fn template_placeholders_are_not_secrets(
        field in prop::sample::select(&["token", "password", "api_key", "secret"][..]),
        placeholder in prop::sample::select(&["{token}", "{{token}}", "${TOKEN}", "$TOKEN", "$p", "%s", "%(token)s", "{0}"][..]),
        host in "[a-z]{3,10}",
    ) {
        let url = format!("https://{host}.example.com/reset?{field}={placeholder}");
        prop_assert!(literal_reason("RESET_LINK_TEMPLATE", &url).is_none(), "{url}");
        let dsn = format!("postgres://app:{placeholder}@{host}.internal:5432/app");
        prop_assert!(literal_reason("DATABASE_URL_TEMPLATE", &dsn).is_none(), "{dsn}");
    }

    /// A deploy or build tool's token replacement fills a configuration file's field or a
    /// secret-named variable: the marks around a name are no value.
    #[test]
    fn token_replacement_placeholders_are_not_secrets(
        field in prop::sample::select(&["token", "password", "api_key", "secret", "Pwd"][..]),
        placeholder in prop::sample::select(&["#{DbPassword}", "#{DB_PASSWORD}#", "__DB_PASSWORD__", "@db.password@", "@@DB_PASSWORD@@", "%DB_PASSWORD%", "<%= ENV['DB_PASSWORD'] %>", "<%= ENV.fetch(\"DB_PASSWORD\") %>"][..]),
        host in "[a-z]{3,10}",
    ) {
        for text in [
            format!("Server={host}.internal;Database=app;User Id=app;{field}={placeholder};"),
            format!("smtp.host={host}.internal\nsmtp.{field}={placeholder}"),
        ] {
            prop_assert!(literal_reason("APPSETTINGS", &text).is_none(), "{text}");
        }
        prop_assert!(literal_reason("DB_PASSWORD", placeholder).is_none(), "{placeholder}");
    }

    /// A command line under a secret's name is how the secret is fetched or used; its value
    /// is judged by what stands in a credential's place, so a password option is still found.
    #[test]
    fn a_command_under_a_secret_name_is_judged_by_its_arguments(
        name in secret_names(),
        command in prop::sample::select(&[
            "aws secretsmanager get-secret-value --secret-id orders/db --query SecretString --output text",
            "openssl rsa -in /var/task/key.enc -out /tmp/key.pem -passin file:/run/secrets/key-pass",
            "openssl pkcs12 -export -in /tmp/c.pem -out /tmp/c.p12 -passout env:P12_PASS",
            "vault kv get -field=password secret/orders/db",
            "/usr/local/bin/op read op://ops/orders-db/password --no-newline",
            "op read op://ops/orders-db/password",
            "cat /run/secrets/orders-db",
            "sops --decrypt --extract [\"db\"][\"password\"] /var/task/secrets.enc.json",
        ][..]),
        pw in ("[a-z]{3,8}", "[A-Z]", "[0-9]{1,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ) {
        prop_assert!(literal_reason(&name, command).is_none(), "{name}={command}");
        let with_password = format!("mysql -h db.internal -u app -p{pw} orders");
        prop_assert!(literal_reason(&name, &with_password).is_some(), "{name}={with_password}");
    }

    /// A passphrase of words is no command line because a word starts with `/` or `-`: a
    /// command's path has two segments or more, and its option is named by letters, digits
    /// and `.`, `_`, `-`.
    #[test]
    fn a_passphrase_whose_words_start_with_a_slash_or_dash_is_no_command(
        name in secret_names(),
        first in "[a-z]{4,8}[0-9]{1,2}",
        odd in prop_oneof![
            "/[A-Z][a-z]{3,6}-[0-9]{2}",
            "-[A-Z][a-z]{1,3}[0-9]{2}[!#*+][a-z]{1,2}",
            "--[a-z]{2,4}[!#*+][0-9]{2}",
        ],
        last in prop::option::of("[a-z]{4,7}"),
    ) {
        let phrase = match last {
            Some(l) => format!("{first} {odd} {l}"),
            None => format!("{first} {odd}"),
        };
        prop_assert!(literal_reason(&name, &phrase).is_some(), "{name}={phrase}");
    }

    /// A salt or seed that buckets users (a flag's, an experiment's) is a label, in a
    /// variable or a flag document's field; one a word says keys a login, a session, a
    /// signature or a wallet is a key, and random material is material under any name.
    #[test]
    fn a_bucketing_salt_is_a_label_but_an_authentication_salt_is_a_key(
        qualifier in prop::sample::select(&["EXPERIMENT", "EXPERIMENT_BUCKET", "FLAG", "ROLLOUT", "AB_TEST", "SHARD", "SAMPLING"][..]),
        keyed in prop::sample::select(&["AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE", "SESSION", "COOKIE", "PASSWORD", "SIGNING", "WALLET", "TOTP"][..]),
        head in prop::sample::select(&["SALT", "SEED"][..]),
        words in prop::collection::vec(prop::sample::select(&["checkout", "pricing", "search", "banner", "onboarding", "cart", "homepage", "rollout", "beta"][..]), 1..4),
        n in 1..9999u32,
        m in from_alphabet(BASE62, 32..=48),
    ) {
        let label = format!("{}-v{}-{n}", words.join("-"), n % 9 + 1);
        let unkeyed = format!("{qualifier}_{head}");
        prop_assert!(literal_reason(&unkeyed, &label).is_none(), "{unkeyed}={label}");
        let json = format!(r#"{{"flags":{{"x":{{"rollout":25,"{}":"{label}"}}}}}}"#, head.to_ascii_lowercase());
        prop_assert!(literal_reason("FLAGS", &json).is_none(), "{json}");
        let keyed = format!("{keyed}_{head}");
        prop_assert!(literal_reason(&keyed, &label).is_some(), "{keyed}={label}");
        prop_assert!(literal_reason(&unkeyed, &m).is_some(), "{unkeyed}={m}");
    }

    /// Credentials as a document may say where credentials come from (a workload identity
    /// federation file: URLs, URNs, IDs, a command): judged by its values, as text or as
    /// Base64 under an encoding's name; one value that may be a credential makes it the
    /// credential, and under a password's name (one value) a document is the password.
    #[test]
    fn a_credential_configuration_is_judged_by_its_values(
        holder in prop::sample::select(&["GOOGLE_CREDENTIALS", "GCP_CREDS", "gcpCredentials", "WIF_CREDENTIAL", "AZURE_CREDENTIALS"][..]),
        encoding in prop::sample::select(&["B64", "BASE64", "ENCODED"][..]),
        fields in prop::collection::vec(prop::sample::select(&[
            (r#""type""#, r#""external_account""#),
            (r#""audience""#, r#""//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/aws/providers/aws""#),
            (r#""subject_token_type""#, r#""urn:ietf:params:aws:token-type:aws4_request""#),
            (r#""token_url""#, r#""https://sts.googleapis.com/v1/token""#),
            (r#""service_account_impersonation_url""#, r#""https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/app@acme.iam.gserviceaccount.com:generateAccessToken""#),
            (r#""credential_source""#, r#"{"environment_id":"aws1","region_url":"http://169.254.169.254/latest/meta-data/placement/availability-zone"}"#),
            (r#""credential_source""#, r#"{"file":"/var/run/secrets/tokens/gcp","format":{"type":"text"}}"#),
            (r#""credential_source""#, r#"{"executable":{"command":"/var/task/bin/token-helper --audience gcp","timeout_millis":5000}}"#),
        ][..]), 2..6),
        neutral in prop::sample::select(&["value", "data", "v", "blob"][..]),
        pw in ("[a-z]{3,8}", "[A-Z]", "[0-9]{1,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ) {
        let mut seen = std::collections::HashSet::new();
        let body: Vec<String> = fields
            .iter()
            .filter(|(k, _)| seen.insert(*k))
            .map(|(k, v)| format!("{k}:{v}"))
            .collect();
        let config = format!("{{{}}}", body.join(","));
        let encoded_name = format!("{holder}_{encoding}");
        let encoded = b64(config.as_bytes());
        if body.len() >= 2 {
            prop_assert!(literal_reason(holder, &config).is_none(), "{holder}={config}");
            prop_assert!(literal_reason(&encoded_name, &encoded).is_none(), "{encoded_name}={config}");
        }
        let with_secret = format!("{{{},\"{neutral}\":\"{pw}\"}}", body.join(","));
        prop_assert!(literal_reason(holder, &with_secret).is_some(), "{holder}={with_secret}");
        prop_assert!(literal_reason(&encoded_name, &b64(with_secret.as_bytes())).is_some(), "{encoded_name}={with_secret}");
        let one = format!("{{\"{neutral}\":\"{pw}\"}}");
        for name in ["DB_PASSWORD", "DB_PASSWORD_B64"] {
            let value = if name.ends_with("B64") { b64(one.as_bytes()) } else { one.clone() };
            prop_assert!(literal_reason(name, &value).is_some(), "{name}={one}");
        }
    }

    /// A value a structure names like a secret is that secret, whatever names the
    /// structure's other parts: an XML element by its `key`/`name` attribute or by the `<key>`
    /// before it (a property list), a JSON `[name, value]` pair, a table's column by its
    /// header. The same structures of ordinary names are configuration.
    #[test]
    fn structures_that_name_their_values_name_secrets(
        field in secret_names().prop_map(|n| n.replace(['.', ' '], "_")),
        pw in ("[a-z]{4,8}", "[A-Z]", "[0-9]{2,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
        user in "[a-z]{3,8}",
        form in 0..5usize,
        delimiter in prop::sample::select(&[",", "\t", ";"][..]),
    ) {
        let (with, without) = match form {
            0 => (
                format!("<properties><entry key=\"db.user\">{user}</entry><entry key=\"{field}\">{pw}</entry></properties>"),
                format!("<properties><entry key=\"db.user\">{user}</entry><entry key=\"pool.size\">10</entry></properties>"),
            ),
            1 => (
                format!("<appSettings><setting name=\"{field}\">{pw}</setting></appSettings>"),
                "<appSettings><setting name=\"region\">us-west-2</setting></appSettings>".to_owned(),
            ),
            2 => (
                format!("<plist version=\"1.0\"><dict><key>User</key><string>{user}</string><key>{field}</key><string>{pw}</string></dict></plist>"),
                format!("<plist version=\"1.0\"><dict><key>User</key><string>{user}</string><key>Timeout</key><integer>30</integer></dict></plist>"),
            ),
            3 => (
                format!("[[\"user\",\"{user}\"],[\"{field}\",\"{pw}\"]]"),
                format!("[[\"user\",\"{user}\"],[\"redact\",\"password\"],[\"password\",\"api_key\"]]"),
            ),
            _ => (
                format!("username{delimiter}{field}{delimiter}role\nadmin{delimiter}{pw}{delimiter}admin\n{user}{delimiter}{pw}x{delimiter}viewer"),
                format!("username{delimiter}role{delimiter}team\nadmin{delimiter}admin{delimiter}platform\n{user}{delimiter}viewer{delimiter}sre"),
            ),
        };
        prop_assert!(literal_reason("SEED_DATA", &with).is_some(), "{with}");
        prop_assert!(literal_reason("SEED_DATA", &without).is_none(), "{without}");
    }

    /// Inside a line of settings, a keyword naming a password before a value of a
    /// password's shape (HAProxy's `insecure-password …`), and a field of accounts holding
    /// `user:password` (Squid's `login=…`), are credentials; the same lines with a word, a
    /// URL or a mode there are settings.
    #[test]
    fn a_password_setting_inside_a_line_and_an_account_field_are_found(
        owner in prop::sample::select(&["admin", "ops", "relay", "svc"][..]),
        keyword in prop::sample::select(&["insecure-password", "password", "auth-pass", "passwd", "bind_pw"][..]),
        account in prop::sample::select(&["login", "user", "auth", "credentials"][..]),
        strong in ("[a-z]{4,8}", "[A-Z]", "[0-9]{2,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
        host in "[a-z]{3,10}",
    ) {
        for with in [
            format!("userlist ops\n    user {owner} {keyword} {strong} groups admins"),
            format!("cache_peer {host}.internal parent 3128 0 no-query {account}={owner}:{strong}"),
        ] {
            prop_assert!(literal_reason("PROXY_CONF", &with).is_some(), "{with}");
        }
        for plain in [
            format!("user {owner} {keyword} required groups admins"),
            format!("{owner} {keyword} reset link https://{host}.example.com/reset expires 900"),
            format!("cache_peer {host}.internal parent 3128 0 no-query {account}=PASSTHRU"),
        ] {
            prop_assert!(literal_reason("PROXY_CONF", &plain).is_none(), "{plain}");
        }
    }

    /// A password in a replacement tool's marks is still a password: marks around mixed-case
    /// material or a symbol are no token's name.
    #[test]
    fn a_password_between_replacement_marks_is_still_found(
        pw in ("[a-z]{3,8}", "[A-Z]", "[0-9]{1,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
        marks in prop::sample::select(&[("@", "@"), ("%", "%"), ("__", "__")][..]),
    ) {
        let value = format!("{}{pw}{}", marks.0, marks.1);
        prop_assert!(literal_reason("DB_PASSWORD", &value).is_some(), "{value}");
    }

    /// After an HTTP auth scheme in a header, the credential is what is judged: any scheme's
    /// random credential is found, a template's placeholder is not.
    #[test]
    fn header_credentials_are_judged_after_their_scheme(
        scheme in prop::sample::select(&["Bearer", "Basic", "Token", "SSWS", "Splunk", "ApiKey", "DeepL-Auth-Key", "Negotiate"][..]),
        header in prop::sample::select(&["Authorization", "Proxy-Authorization"][..]),
        m in material(),
        placeholder in prop::sample::select(&["{{token}}", "${TOKEN}", "$TOKEN", "{token}", "%s"][..]),
    ) {
        let credential = format!("{header}: {scheme} {m}");
        prop_assert!(literal_reason("UPSTREAM_HEADERS", &credential).is_some(), "{credential}");
        let template = format!("{header}: {scheme} {placeholder}");
        prop_assert!(literal_reason("UPSTREAM_HEADERS", &template).is_none(), "{template}: {:?}", literal_reason("UPSTREAM_HEADERS", &template));
    }

    /// A sentence that names a secret before a colon is prose; a credential after the colon
    /// is still found.
    #[test]
    fn prose_about_a_secret_is_not_a_field_but_a_credential_in_it_is(
        opening in "(You are a support assistant|Reply politely to the customer|Never share anything)\\.",
        secret_word in prop::sample::select(&["password", "token", "secret", "keys"][..]),
        word in "[a-z]{3,10}",
        m in from_alphabet(BASE62, 24..=40),
    ) {
        let prose = format!("{opening} Never ask the user for their {secret_word}: {word} them to the reset page instead.");
        prop_assert!(literal_reason("SYSTEM_PROMPT", &prose).is_none(), "{prose}");
        let leaked = format!("{opening} The admin {secret_word}: {m}");
        prop_assert!(literal_reason("SYSTEM_PROMPT", &leaked).is_some(), "{leaked}");
    }

    /// `0x` and 64 hex digits is a private key; `0x` and 40 is an address, public.
    #[test]
    fn hex_keys_with_a_0x_prefix_are_key_material(
        key in from_alphabet(b"0123456789abcdef", 64..=64),
        address in from_alphabet(b"0123456789abcdef", 40..=40),
    ) {
        prop_assert!(literal_reason("SIGNER", &format!("0x{key}")).is_some(), "{key}");
        prop_assert!(literal_reason("CONTRACT_ADDRESS", &format!("0x{address}")).is_none(), "{address}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// `pw` names a password as the last word (`SMTP_PW`), not before another (`PW_RESET_URL`);
    /// a secret word followed by how it is handled (`PASSWORD_HASHER`, `TOKEN_USE`) names a
    /// setting.
    #[test]
    fn pw_and_handling_words_are_read_by_their_place(
        owner in prop::sample::select(&["db", "smtp", "admin", "redis", "ldap"][..]),
        strong in prop::sample::select(&["password", "token", "secret", "passphrase"][..]),
        handling in prop::sample::select(&["hasher", "encoder", "use"][..]),
        style in 0..6usize,
        qualifier in prop::sample::select(&["bind", "root", "admin", "master", "replica", "sync"][..]),
    ) {
        prop_assert!(secret_name(&styled(&[owner, "pw"], style)));
        prop_assert!(!secret_name(&styled(&["pw", "reset", "url"], style)));
        // Glued after any word (nslcd's `bindpw`): no word ends in a password's abbreviation.
        for abbreviation in ["pw", "pwd", "psw", "pswd"] {
            let glued = format!("{qualifier}{abbreviation}");
            prop_assert!(secret_name(&styled(&["ldap", &glued], style)), "{}", styled(&["ldap", &glued], style));
            prop_assert!(!secret_name(&styled(&["ldap", &glued, "file"], style)), "{}", styled(&["ldap", &glued, "file"], style));
        }
        prop_assert!(!secret_name(&styled(&[owner, strong, handling], style)), "{}", styled(&[owner, strong, handling], style));
    }
}

proptest! {
    #![proptest_config(config())]

    /// Oracle's easy connect (`user/pw@//host:port/service`) and netrc lines carry a password
    /// in their own grammar.
    #[test]
    fn oracle_easy_connect_and_netrc_passwords_are_found(
        user in "[a-z]{3,8}",
        pw in password(),
        host in "[a-z]{3,10}\\.internal",
        port in 1000u16..9999,
    ) {
        let oracle = format!("{user}/{pw}@//{host}:{port}/ORCLPDB1");
        prop_assert!(literal_reason("DB_CONN", &oracle).is_some(), "{oracle}");
        let netrc = format!("machine {host} login {user} password {pw}");
        prop_assert!(literal_reason("NETRC", &netrc).is_some(), "{netrc}");
        // Without a password the same grammar is configuration.
        let plain_oracle = format!("{host}:{port}/ORCLPDB1");
        prop_assert!(literal_reason("DB_CONN", &plain_oracle).is_none(), "{plain_oracle}");
        let plain_netrc = format!("machine {host} login {user}");
        prop_assert!(literal_reason("NETRC", &plain_netrc).is_none(), "{plain_netrc}");
    }
}

/// A value as the resolver gives it when the definition decides all of it.
fn resolved(value: &str) -> Resolved {
    Resolved {
        parts: vec![Part::Text(value.to_owned())],
    }
}

/// Names that hold no secret and say nothing is public: a word and what it configures.
fn plain_names() -> impl Strategy<Value = String> {
    (
        "[A-Z]{3,8}",
        prop::sample::select(&["HOST", "URL", "TABLE", "REGION", "PLAN", "PRICE", "MODE"][..]),
    )
        .prop_map(|(w, k)| format!("{w}_{k}"))
        .prop_filter("a plain name", |n| !secret_name(n) && !public_name(n))
}

proptest! {
    #![proptest_config(config())]

    /// CloudFormation writes the value a dynamic reference names, of any service, in its place:
    /// under a secret's name (the variable's or the parameter's) it is a secret; from a store
    /// of secrets it always is; a plain parameter under plain names is configuration.
    #[test]
    fn dynamic_references_are_the_values_they_name(
        secret in secret_names(),
        plain in plain_names(),
        service in prop::sample::select(&["ssm", "ssm-secure", "secretsmanager"][..]),
        (a, b) in ("[a-z]{3,10}", "[a-z]{3,10}").prop_filter("plain words", |(a, b)| !secret_name(a) && !secret_name(b)),
        version in prop::option::of(1..50u32),
        secret_words in secret_words(),
    ) {
        let version = version.map(|v| format!(":{v}")).unwrap_or_default();
        let reference = format!("{{{{resolve:{service}:/{a}/{b}{version}}}}}");
        prop_assert!(variable_reason(&secret, &resolved(&reference)).is_some(), "{secret}={reference}");
        let named_parameter = format!("{{{{resolve:ssm:/{a}/{}{version}}}}}", secret_words.join("-"));
        prop_assert!(variable_reason(&plain, &resolved(&named_parameter)).is_some(), "{plain}={named_parameter}");
        let in_a_document = format!(r#"{{"host":"{a}.internal","{}":"{reference}"}}"#, secret_words.join("_"));
        prop_assert!(variable_reason(&plain, &resolved(&in_a_document)).is_some(), "{plain}={in_a_document}");
        prop_assert_eq!(
            variable_reason(&plain, &resolved(&reference)).is_some(),
            service != "ssm",
            "{}={}", plain, reference
        );
        // SSM's path to a Secrets Manager secret returns the secret's value.
        let via_ssm = format!("{{{{resolve:ssm:/aws/reference/secretsmanager/{a}/{b}}}}}");
        prop_assert!(variable_reason(&plain, &resolved(&via_ssm)).is_some(), "{plain}={via_ssm}");
    }

    /// gitleaks rules scoped to files of a kind (`hashicorp-tf-password` to `.tf`) judge no
    /// value: a setting named for how a password is handled keeps its identifier value.
    #[test]
    fn settings_of_how_a_secret_is_handled_keep_identifier_values(
        owner in prop::sample::select(&["", "db_", "admin_", "user_"][..]),
        strong in prop::sample::select(&["password", "passwd", "token", "secret"][..]),
        handling in prop::sample::select(&["hasher", "algorithm", "encoder", "scheme_version", "policy"][..]),
        value in "[a-z]{4,10}[0-9]{1,2}[a-z]{2,6}",
        style in 0..2usize,
    ) {
        let name = format!("{owner}{strong}_{handling}");
        let name = if style == 0 { name.to_ascii_uppercase() } else { name };
        prop_assert!(literal_reason(&name, &value).is_none(), "{name}={value}: {:?}", literal_reason(&name, &value));
    }

    /// Stripe's object IDs are identifiers, whatever the object (prefixes from Stripe's API
    /// fixtures) and mode; its secret and restricted keys, webhook secrets and client secrets
    /// under the same names are secrets.
    #[test]
    fn stripe_object_ids_are_identifiers_and_stripe_secrets_are_not(
        prefix in prop::sample::select(stripe_prefixes()),
        mode in prop::sample::select(&["", "test_", "live_"][..]),
        id in prop_oneof![from_alphabet(BASE62, 14..=14), from_alphabet(BASE62, 23..=23).prop_map(|s| format!("1{s}"))],
        secret in from_alphabet(BASE62, 24..=99),
        name in plain_names(),
    ) {
        let object = format!("{prefix}_{mode}{id}");
        prop_assert!(literal_reason(&name, &object).is_none(), "{name}={object}: {:?}", literal_reason(&name, &object));
        for key in [format!("sk_live_{secret}"), format!("rk_test_{secret}"), format!("whsec_{secret}"), format!("{object}_secret_{secret}")] {
            prop_assert!(literal_reason(&name, &key).is_some(), "{name}={key}");
        }
    }

    /// Seed phrases of every length BIP39 defines, drawn from its wordlist, are found however
    /// they are written down and whatever the variable's name.
    #[test]
    fn bip39_seed_phrases_are_found(
        indices in prop::collection::vec(0..2048usize, 24),
        words in prop::sample::select(&[12usize, 15, 18, 21, 24][..]),
        form in 0..5usize,
        name in prop_oneof![plain_names(), Just("WALLET".to_owned()), Just("CONFIG".to_owned())],
    ) {
        let list = bip39_words();
        let phrase: Vec<&str> = indices[..words].iter().map(|&i| list[i]).collect();
        let value = match form {
            0 => phrase.join(" "),
            1 => phrase.join(" ").to_ascii_uppercase(),
            2 => phrase.join(", "),
            3 => phrase.iter().enumerate().map(|(i, w)| format!("{}. {w}", i + 1)).collect::<Vec<_>>().join("\n"),
            _ => format!(r#"{{"network":"mainnet","seed":"{}"}}"#, phrase.join(" ")),
        };
        prop_assert!(literal_reason(&name, &value).is_some(), "{name}={value}");
    }

    /// English prose, whose articles and prepositions are not in the wordlist, and short lists
    /// of its words are not seed phrases.
    #[test]
    fn english_sentences_and_short_word_lists_are_not_seed_phrases(
        sentences in prop::collection::vec(
            (
                prop::sample::select(&["The", "A", "Each", "Every"][..]),
                0..2048usize,
                0..2048usize,
                prop::sample::select(&["is sent to", "goes into", "is kept for", "comes from", "is checked by"][..]),
                prop::sample::select(&["the", "a", "its", "our"][..]),
                0..2048usize,
            ),
            1..6,
        ),
        short in prop::collection::vec(0..2048usize, 1..12),
    ) {
        let list = bip39_words();
        let prose: Vec<String> = sentences
            .iter()
            .map(|(det, a, b, verb, det2, c)| format!("{det} {} {} {verb} {det2} {}.", list[*a], list[*b], list[*c]))
            .collect();
        let prose = prose.join(" ");
        prop_assert!(literal_reason("SYSTEM_PROMPT", &prose).is_none(), "{prose}");
        let words: Vec<&str> = short.iter().map(|&i| list[i]).collect();
        for value in [words.join(","), words.join(" ")] {
            prop_assert!(literal_reason("ALLOWED_TOPICS", &value).is_none(), "{value}");
        }
    }
}

/// The prefixes of Stripe's object IDs, as vendored.
fn stripe_prefixes() -> Vec<&'static str> {
    include_str!("../../../rules/stripe-id-prefixes.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect()
}

#[test]
fn the_vendored_bip39_wordlist_is_whole_and_sorted() {
    let list = bip39_words();
    assert_eq!(list.len(), 2048);
    assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    assert!(
        list.iter()
            .all(|w| (3..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
    );
}

/// The packed lookup agrees with the list: every word is found in any case, and every word
/// one letter away from a listed word (changed, added or dropped) that the list lacks is not.
#[test]
fn every_listed_word_and_no_near_miss_counts_toward_a_seed_phrase() {
    let list = bip39_words();
    let phrase = |w: &str| [w; 12].join(" ");
    for word in &list {
        assert!(super::values::mnemonic(&phrase(word)).is_some(), "{word}");
        assert!(
            super::values::mnemonic(&phrase(&word.to_ascii_uppercase())).is_some(),
            "{word}"
        );
        let last = word.len() - 1;
        let near = [
            format!(
                "{}{}",
                &word[..last],
                if word.ends_with('z') { 'a' } else { 'z' }
            ),
            format!("{word}s"),
            word[..last].to_owned(),
        ];
        for miss in near
            .iter()
            .filter(|m| list.binary_search(&m.as_str()).is_err())
        {
            assert!(super::values::mnemonic(&phrase(miss)).is_none(), "{miss}");
        }
    }
}

/// The search over a sorted list's text finds exactly its lines: every top-level domain, and
/// no near miss (a letter added or dropped, a comment line) the list lacks.
#[test]
fn a_sorted_lists_text_is_searched_for_exactly_its_lines() {
    let text = include_str!("../../../rules/tlds.txt");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "sorted bytewise and unique"
    );
    let header = text.lines().take_while(|l| l.starts_with('#'));
    for line in &lines {
        assert!(super::values::sorted_lines_contain(text, line), "{line}");
        for miss in [
            format!("{line}x"),
            line[..line.len() - 1].to_owned(),
            format!("a{line}"),
        ] {
            let listed = lines.binary_search(&miss.as_str()).is_ok();
            assert_eq!(
                super::values::sorted_lines_contain(text, &miss),
                listed,
                "{miss}"
            );
        }
    }
    for comment in header {
        assert!(
            !super::values::sorted_lines_contain(text, comment),
            "{comment}"
        );
    }
    assert!(!super::values::sorted_lines_contain(text, ""));
}

/// Key algorithms' OIDs: rsaEncryption, id-ecPublicKey, Ed25519.
const OIDS: &[&[u8]] = &[
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
    &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
    &[0x2b, 0x65, 0x70],
];

/// DER: a tag, its length (short or long form), its content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        n if n < 0x80 => out.push(u8::try_from(n).unwrap_or(0)),
        n if n < 0x100 => out.extend([0x81, u8::try_from(n).unwrap_or(0)]),
        n => out.extend([
            0x82,
            u8::try_from(n >> 8).unwrap_or(0),
            u8::try_from(n & 0xff).unwrap_or(0),
        ]),
    }
    out.extend_from_slice(content);
    out
}

proptest! {
    #![proptest_config(config())]

    /// A plain parameter's reference is an input: where it stands in a secret's place (a URL's
    /// password, a secret-named field, after `Bearer`) it is a secret; standing alone, or as a
    /// host, under a plain name it is configuration.
    #[test]
    fn a_plain_reference_in_a_secrets_place_is_a_secret(
        plain in plain_names(),
        (a, b) in ("[a-z]{3,10}", "[a-z]{3,10}").prop_filter("plain words", |(a, b)| !secret_name(a) && !secret_name(b)),
        field in secret_names(),
        form in 0..3usize,
    ) {
        let field = field.replace(['.', ' '], "_");
        let reference = format!("{{{{resolve:ssm:/{a}/{b}}}}}");
        let value = match form {
            0 => format!("postgres://app:{reference}@{a}.internal:5432/{b}"),
            1 => format!("Server={a};{field}={reference};"),
            _ => format!("Authorization: Bearer {reference}"),
        };
        prop_assert!(variable_reason(&plain, &resolved(&value)).is_some(), "{plain}={value}");
        let host = format!("postgres://app@{reference}:5432/{b}");
        prop_assert!(variable_reason(&plain, &resolved(&host)).is_none(), "{plain}={host}");
        // A database names its user before the `@`; a web URL may put a token there.
        let user = format!("postgres://{reference}@{a}.internal:5432/{b}");
        prop_assert!(variable_reason(&plain, &resolved(&user)).is_none(), "{plain}={user}");
        let token = format!("https://{reference}@github.com/{a}/{b}.git");
        prop_assert!(variable_reason(&plain, &resolved(&token)).is_some(), "{plain}={token}");
    }

    /// A URL-encoded value is what it decodes to: every secret form stays a secret encoded,
    /// and ordinary values stay ordinary.
    #[test]
    fn url_encoded_values_are_judged_decoded(
        m in material(),
        pw in password(),
        field in secret_names(),
        form in 1..28usize,
        (name, ordinary_value) in ordinary(),
    ) {
        let encode = |v: &str| -> String {
            v.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
        };
        let field = field.replace(['.', ' '], "_");
        let value = wrapped(&m, &pw, &field, form);
        prop_assert!(literal_reason("PAYLOAD", &encode(&value)).is_some(), "{value}");
        let encoded = encode(&ordinary_value);
        prop_assert!(literal_reason(&name, &encoded).is_none(), "{name}={encoded}: {:?}", literal_reason(&name, &encoded));
    }

    /// DER is judged by its outline, with any key bytes: a SubjectPublicKeyInfo or a PKCS#1
    /// RSA public key, without PEM armour, is public under any name; a PKCS#8 or PKCS#1
    /// private key holding the same bytes is a secret.
    #[test]
    fn der_public_keys_are_public_and_private_keys_are_not(
        key in prop::collection::vec(any::<u8>(), 64..300),
        oid in prop::sample::select(OIDS),
        name in prop::sample::select(&["JWT_VERIFY_KEY", "REALM_KEY", "SIGNER", "TOKEN_KEY"][..]),
    ) {
        let algorithm = der(0x30, &der(0x06, oid));
        let mut bits = vec![0];
        bits.extend(&key);
        let spki = der(0x30, &[algorithm.clone(), der(0x03, &bits)].concat());
        let mut modulus = vec![0];
        modulus.extend(&key);
        let rsa_public = der(0x30, &[der(0x02, &modulus), der(0x02, &[1, 0, 1])].concat());
        for public in [spki, rsa_public] {
            let v = b64(&public);
            prop_assert!(literal_reason(name, &v).is_none(), "{name}={v}: {:?}", literal_reason(name, &v));
        }
        let pkcs8 = der(0x30, &[der(0x02, &[0]), algorithm, der(0x04, &key)].concat());
        let pkcs1 = der(0x30, &[der(0x02, &[0]), der(0x02, &modulus), der(0x02, &[1, 0, 1]), der(0x02, &key)].concat());
        for private in [pkcs8, pkcs1] {
            let v = b64(&private);
            prop_assert!(literal_reason("BLOB", &v).is_some(), "BLOB={v}");
        }
    }

    /// A Sentry DSN's key is public by Sentry's docs, in the DSN and as a report URL's
    /// `sentry_key`; a legacy DSN's secret key after `:` is a secret.
    #[test]
    fn sentry_dsn_keys_are_public_and_their_secret_keys_are_not(
        key in from_alphabet(b"0123456789abcdef", 32..=32),
        secret in from_alphabet(b"0123456789abcdef", 32..=32),
        org in 1..9_999_999u32,
        project in 1..9_999_999_999_999u64,
        host in prop::sample::select(&["ingest.sentry.io", "ingest.us.sentry.io", "ingest.de.sentry.io"][..]),
        name in prop::sample::select(&["SENTRY_DSN", "NEXT_PUBLIC_SENTRY_DSN", "DSN", "ERROR_REPORTING"][..]),
    ) {
        let dsn = format!("https://{key}@o{org}.{host}/{project}");
        prop_assert!(literal_reason(name, &dsn).is_none(), "{name}={dsn}: {:?}", literal_reason(name, &dsn));
        let report = format!("report-uri https://o{org}.{host}/api/{project}/security/?sentry_key={key}");
        prop_assert!(literal_reason("CONTENT_SECURITY_POLICY", &report).is_none(), "{report}");
        let legacy = format!("https://{key}:{secret}@sentry.example.com/{project}");
        prop_assert!(literal_reason(name, &legacy).is_some(), "{name}={legacy}");
    }

    /// Bech32 with a valid checksum is an address or a public key (`age1…`, `bc1…`,
    /// `npub1…`); Bech32 whose prefix says secret (`nsec1…`) is not, nor random text with a
    /// checksum that fails.
    #[test]
    fn bech32_addresses_and_public_keys_are_public(
        data in prop::collection::vec(any::<u8>(), 25..38),
        hrp in prop::sample::select(&["age", "bc", "npub", "tb"][..]),
        bech32m in any::<bool>(),
        flip in 0usize..40,
    ) {
        // The `bech32` crate (BIP 173 and 350) writes the strings: an oracle that is not ours.
        let encode = |hrp: &str| {
            let hrp = bech32::Hrp::parse(hrp).expect("a valid prefix");
            if bech32m {
                bech32::encode::<bech32::Bech32m>(hrp, &data)
            } else {
                bech32::encode::<bech32::Bech32>(hrp, &data)
            }
            .expect("short enough to encode")
        };
        let public = encode(hrp);
        prop_assert!(literal_reason("RECIPIENT", &public).is_none(), "{public}: {:?}", literal_reason("RECIPIENT", &public));
        let secret = encode("nsec");
        prop_assert!(literal_reason("IDENTITY", &secret).is_some(), "{secret}");
        // A secret's prefix says so by the checksum's structure, in either case and in text.
        let age = encode("age-secret-key-").to_ascii_uppercase();
        prop_assert!(literal_reason("IDENTITY", &age).is_some(), "{age}");
        let quoted = format!("identity = \"{secret}\"");
        prop_assert!(literal_reason("SETTINGS", &quoted).is_some(), "{quoted}");
        // One changed letter breaks the checksum: it is judged as any random string.
        let mut broken: Vec<char> = public.chars().collect();
        let at = hrp.len() + 1 + flip;
        broken[at] = if broken[at] == 'q' { 'p' } else { 'q' };
        let broken: String = broken.into_iter().collect();
        prop_assert!(literal_reason("IDENTITY", &broken).is_some(), "{broken}");
    }

    /// Digits alone under a password's name are the password; under a setting about a secret
    /// (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`) they are the setting.
    #[test]
    fn digits_are_a_password_under_a_passwords_name_only(
        digits in "[0-9]{4,12}",
        owner in prop::sample::select(&["", "DB_", "SMTP_", "ADMIN_", "REDIS_"][..]),
        head in prop::sample::select(&["PASSWORD", "PWD", "PASSWD", "PASS", "PASSCODE", "PASSWORT", "CLAVE", "MDP", "CONTRASENYA", "SENHA"][..]),
        property in prop::sample::select(&["MIN_LENGTH", "TTL", "MAX_AGE", "ROTATION_DAYS", "RETRIES", "LONGITUD", "COMPRIMENTO"][..]),
        length in prop::sample::select(&["LONGUEUR", "LAENGE", "LUNGHEZZA"][..]),
        glue in prop::sample::select(&["_", ""][..]),
    ) {
        let name = format!("{owner}{head}");
        prop_assert!(literal_reason(&name, &digits).is_some(), "{name}={digits}");
        let setting = format!("{owner}{head}{glue}{property}");
        prop_assert!(literal_reason(&setting, &digits).is_none(), "{setting}={digits}");
        // Languages that put the setting first (`LONGUEUR_MDP`).
        let before = format!("{length}_{owner}{head}");
        prop_assert!(literal_reason(&before, &digits).is_none(), "{before}={digits}");
    }

    /// ODBC quotes a value in braces (`Pwd={…}`): a password there is a password, while a named
    /// or numbered placeholder (`{password}`, `{0}`) is a template's.
    #[test]
    fn odbc_brace_quoted_passwords_are_found_and_placeholders_are_not(
        pw in password(),
        key in prop::sample::select(&["Pwd", "Password", "PWD"][..]),
        placeholder in prop::sample::select(&["{password}", "{0}", "{DB_PASSWORD}", "{pwd}"][..]),
    ) {
        let quoted = format!("Driver={{ODBC Driver 18 for SQL Server}};Server=tcp:db,1433;Uid=app;{key}={{{pw}}};Encrypt=yes");
        prop_assert!(literal_reason("MSSQL", &quoted).is_some(), "{quoted}");
        let template = format!("Driver={{ODBC Driver 18 for SQL Server}};Server=tcp:db,1433;Uid=app;{key}={placeholder};");
        prop_assert!(literal_reason("MSSQL_TEMPLATE", &template).is_none(), "{template}");
    }

    /// KMS multi-Region key IDs are identifiers, under any name.
    #[test]
    fn kms_multi_region_key_ids_are_identifiers(
        id in from_alphabet(b"0123456789abcdef", 32..=32),
        name in prop::sample::select(&["KMS_KEY", "KEY_ID", "ENCRYPTION_KEY_ID", "CMK"][..]),
    ) {
        let value = format!("mrk-{id}");
        prop_assert!(literal_reason(name, &value).is_none(), "{name}={value}: {:?}", literal_reason(name, &value));
    }
}

#[test]
fn parts_named_first_half_and_second_half_are_joined() {
    for (a, b) in [
        ("FIRST_HALF", "SECOND_HALF"),
        ("PART_ONE", "PART_TWO"),
        ("LEFT_PIECE", "RIGHT_PIECE"),
    ] {
        let vars = [
            (format!("SIGNING_{b}"), "Q7rS9tU1vW3xY5zC".to_owned()),
            (format!("SIGNING_{a}"), "aB3dE5gH7jK9mN1p".to_owned()),
        ];
        let vars: Vec<(&str, String)> = vars.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        assert_eq!(split::secrets(&vars).len(), 1, "{vars:?}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A UUID is an identifier wherever it stands in a value — a path, an object key, a URL's
    /// path, a list — while random material of its length in a path or list is key material
    /// (a URL's path names a resource: nothing there is judged by its shape).
    #[test]
    fn a_uuid_inside_a_path_or_key_is_an_identifier(
        bytes in prop::array::uniform16(any::<u8>()),
        material in from_alphabet(BASE62, 36..=36),
        upper in any::<bool>(),
        place in 0..5usize,
        name in prop::sample::select(&["S3_KEY", "UPLOAD_PATH", "OBJECT", "ASSET_URL", "TENANTS"][..]),
    ) {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let uuid = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
        let uuid = if upper { uuid.to_ascii_uppercase() } else { uuid };
        let at = |id: &str| match place {
            0 => format!("uploads/2024/05/{id}.png"),
            1 => format!("tenants/{id}/reports/latest.json"),
            2 => format!("https://cdn.example.com/assets/{id}/logo.svg"),
            3 => format!("s3://bucket-name/exports/{id}"),
            _ => format!("primary,{id},fallback"),
        };
        let with_uuid = at(&uuid);
        prop_assert!(literal_reason(name, &with_uuid).is_none(), "{name}={with_uuid}: {:?}", literal_reason(name, &with_uuid));
        let with_material = at(&material);
        let random = material.bytes().filter(u8::is_ascii_digit).count() >= 4
            && material.bytes().any(|b| b.is_ascii_uppercase())
            && material.bytes().any(|b| b.is_ascii_lowercase());
        if random && !with_material.contains("://") {
            prop_assert!(literal_reason(name, &with_material).is_some(), "{name}={with_material}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A password hash in crypt's format (bcrypt, htpasswd's apr1, SHA-crypt, Argon2) is what
    /// a server stores instead of the password: it passes under a hash's name and inside an
    /// htpasswd line, while the same characters without the format are key material.
    #[test]
    fn crypt_password_hashes_are_not_secrets(
        salt in from_alphabet(b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 8..=22),
        hash in from_alphabet(b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 22..=43),
        format in 0..6usize,
        user in "[a-z]{3,8}",
        pw in password(),
        plain in prop::sample::select(&["{PLAIN}", "{CLEARTEXT}", "{plain}", "{CLEAR}", "{PLAIN-TRUNC}"][..]),
    ) {
        let crypt = match format {
            0 => format!("$2b$12${salt}{hash}"),
            1 => format!("$apr1${salt}${hash}"),
            2 => format!("$6$rounds=5000${salt}${hash}"),
            3 => format!("$argon2id$v=19$m=65536,t=3,p=4${salt}${hash}"),
            // RFC 2307's schemes, as LDAP and Dovecot write them.
            4 => format!("{{SSHA}}{salt}{hash}"),
            _ => format!("{{SHA512-CRYPT}}$6${salt}${hash}"),
        };
        prop_assert!(literal_reason("ADMIN_PASSWORD_HASH", &crypt).is_none(), "{crypt}: {:?}", literal_reason("ADMIN_PASSWORD_HASH", &crypt));
        let htpasswd = format!("{user}:{crypt}");
        prop_assert!(literal_reason("DASHBOARD_USERS", &htpasswd).is_none(), "{htpasswd}: {:?}", literal_reason("DASHBOARD_USERS", &htpasswd));
        // A scheme that stores the password as it is holds the password.
        let stored = format!("{user}:{plain}{pw}::::::");
        prop_assert!(literal_reason("DASHBOARD_USERS", &stored).is_some(), "{stored}");
        // Docker Compose and make read `$$` as `$`: the doubled hash is the hash.
        if crypt.starts_with('$') {
            let doubled = format!("{user}:{}", crypt.replace('$', "$$"));
            prop_assert!(literal_reason("TRAEFIK_USERS", &doubled).is_none(), "{doubled}");
        }
    }

    /// A database's stored verifier (a SCRAM verifier, PostgreSQL's `md5…`, MySQL's `*…`) is
    /// what the server checks a login against, under a password's name and in a userlist;
    /// the password itself there is found.
    #[test]
    fn database_password_verifiers_are_not_secrets(
        salt in prop::collection::vec(any::<u8>(), 16..=16),
        stored in prop::collection::vec(any::<u8>(), 32..=32),
        server in prop::collection::vec(any::<u8>(), 32..=32),
        iterations in 4096u32..=100_000,
        md5 in from_alphabet(b"0123456789abcdef", 32..=32),
        native in from_alphabet(b"0123456789ABCDEF", 40..=40),
        format in 0..3usize,
        user in "[a-z]{3,8}",
        pw in ("[a-z]{4,8}", "[A-Z]", "[0-9]{2,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ) {
        let verifier = match format {
            0 => format!("SCRAM-SHA-256${iterations}:{}${}:{}", b64(&salt), b64(&stored), b64(&server)),
            1 => format!("md5{md5}"),
            _ => format!("*{native}"),
        };
        prop_assert!(literal_reason("ORDERS_DB_PASSWORD", &verifier).is_none(), "{verifier}");
        let userlist = format!("\"{user}\" \"{verifier}\"\n\"admin\" \"{verifier}\"");
        prop_assert!(literal_reason("PGBOUNCER_USERLIST", &userlist).is_none(), "{userlist}");
        // PgBouncer's auth_file may hold the password itself.
        let plain_list = format!("\"{user}\" \"{pw}\"\n\"admin\" \"{verifier}\"");
        prop_assert!(literal_reason("PGBOUNCER_USERLIST", &plain_list).is_some(), "{plain_list}");
        let sql = format!("ALTER ROLE {user} PASSWORD '{verifier}'");
        prop_assert!(literal_reason("MIGRATION_SQL", &sql).is_none(), "{sql}");
        let plain = format!("ALTER ROLE {user} PASSWORD '{pw}'");
        prop_assert!(literal_reason("MIGRATION_SQL", &plain).is_some(), "{plain}");
    }

    /// Java properties write `key:value` without a space: at a line's start a secret-named
    /// key is a field; `host:port` and ARNs in the middle of a line are not.
    #[test]
    fn properties_fields_at_a_line_start_are_fields(
        pw in password(),
        key in prop::sample::select(&["spring.datasource.password", "db.pass", "mail.smtp.password", "api.key"][..]),
        host in "[a-z]{3,10}",
        port in 1..65535u32,
    ) {
        let text = format!("{host}.url=jdbc:postgresql://{host}:{port}/app\n{key}:{pw}");
        prop_assert!(literal_reason("APP_PROPERTIES", &text).is_some(), "{text}");
        let plain = format!("{host}.url=jdbc:postgresql://{host}:{port}/app\n{host}.host:{host}.internal");
        prop_assert!(literal_reason("APP_PROPERTIES", &plain).is_none(), "{plain}");
    }

    /// An ID in any vendor's spelling (`_ID`, `_SID`, an audience) is an identifier, hex or not.
    #[test]
    fn identifiers_named_sid_are_identifiers(
        hex in from_alphabet(b"0123456789abcdef", 32..=32),
        vendor in prop::sample::select(&["TWILIO_ACCOUNT", "TWILIO_SERVICE", "MESSAGING", "VERIFY"][..]),
        prefix in prop::sample::select(&["AC", "MG", "VA", "IS"][..]),
    ) {
        let name = format!("{vendor}_SID");
        let value = format!("{prefix}{hex}");
        prop_assert!(literal_reason(&name, &value).is_none(), "{name}={value}");
        // A JSON Web Key's ID is published with the key set.
        for kid in ["JWT_KID", "SIGNING_KEY_KID", "jwksKid"] {
            prop_assert!(literal_reason(kid, &hex).is_none(), "{kid}={hex}");
        }
        // An audience is named in every token issued for it (Cloudflare Access's AUD tag).
        let tag = format!("{hex}{hex}");
        for aud in ["CF_ACCESS_AUD", "JWT_AUDIENCE", "oidcAudience", "ACCESS_AUD"] {
            prop_assert!(literal_reason(aud, &tag).is_none(), "{aud}={tag}");
        }
        prop_assert!(literal_reason("CF_ACCESS", &tag).is_some(), "CF_ACCESS={tag}");
    }

    /// Judging never fails on any text, whatever its characters: values are user input.
    #[test]
    fn any_text_is_judged_without_failing(name in "\\PC{0,12}", value in "\\PC{0,80}") {
        let _ = literal_reason(&name, &value);
        let _ = literal_reason("DB_PASSWORD", &value);
        let _ = secret_value(&value, None);
        let _ = split::secrets(&[("X_1", value.clone()), ("X_2", value)]);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A name/value pair (JSON `{"Key": …, "Value": …}` or `{"name": …, "value": …}`, .NET's
    /// `<add key="…" value="…"/>`, a YAML env list's `- name: …` / `value: …`) names its value: a secret's name makes the value one, a
    /// plain name leaves a plain value plain, and the `key` field itself holds a name.
    #[test]
    fn name_value_pairs_name_their_values(
        secret in secret_names(),
        plain in plain_names(),
        pw in password(),
        setting in "[a-z]{3,10}",
        form in 0..4usize,
    ) {
        let secret = secret.replace(['.', ' '], "_");
        let pair = |name: &str, value: &str| match form {
            0 => format!(r#"[{{"Key":"{name}","Value":"{value}"}},{{"Key":"team","Value":"payments"}}]"#),
            1 => format!(r#"{{"headers":[{{"name":"{name}","value":"{value}"}}]}}"#),
            2 => format!(r#"<appSettings><add key="{name}" value="{value}"/><add key="Retries" value="3"/></appSettings>"#),
            _ => format!("env:\n  - name: {name}\n    value: \"{value}\"\n  - name: LOG_LEVEL\n    value: info\n"),
        };
        let bad = pair(&secret, &pw);
        prop_assert!(literal_reason("APP_CONFIG", &bad).is_some(), "{bad}");
        let good = pair(&plain, &setting);
        prop_assert!(literal_reason("APP_CONFIG", &good).is_none(), "{good}: {:?}", literal_reason("APP_CONFIG", &good));
    }

    /// A YAML block scalar (`password: |`) holds its value on the next line.
    #[test]
    fn yaml_block_scalars_hold_their_value_below(
        pw in password(),
        field in secret_names(),
        indicator in prop::sample::select(&["|", "|-", ">", ">-"][..]),
    ) {
        let field = field.replace(['.', ' '], "_");
        let yaml = format!("db:\n  host: db.internal\n  {field}: {indicator}\n    {pw}\n");
        prop_assert!(literal_reason("DB_YAML", &yaml).is_some(), "{yaml}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A commit SHA or content hash is public under the names that carry one: a release, an
    /// image tag, a ref, a data structure's key (`CACHE_KEY`); under a secret's name the same
    /// digits are a secret.
    #[test]
    fn hex_digests_are_public_under_names_that_carry_them(
        hex in from_alphabet(b"0123456789abcdef", 40..=64),
        name in prop::sample::select(&["SENTRY_RELEASE", "IMAGE_TAG", "VCS_REF", "CACHE_KEY", "PARTITION_KEY", "OBJECT_KEY", "GIT_COMMIT"][..]),
        secret in prop::sample::select(&["API_KEY", "SIGNING_SECRET", "AUTH_TOKEN"][..]),
    ) {
        prop_assume!(hex.bytes().any(|b| b.is_ascii_digit()) && hex.bytes().any(|b| b.is_ascii_alphabetic()));
        prop_assert!(literal_reason(name, &hex).is_none(), "{name}={hex}");
        prop_assert!(literal_reason(secret, &hex).is_some(), "{secret}={hex}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// `user:password@host` without a scheme (Go's MySQL DSN `…@tcp(host:3306)/db`, a proxy's
    /// `user:pw@host:port`) holds a password; `git@host:path`, `user@host:/path` and a time
    /// like `12:30@UTC` do not.
    #[test]
    fn user_password_at_host_without_a_scheme_is_a_password(
        user in "[a-z][a-z0-9_]{2,8}",
        pw in password(),
        host in "[a-z]{3,10}",
        port in 1..65535u32,
        form in 0..5usize,
        strong in ("[a-z]{4,8}", "[A-Z]", "[0-9]{2,4}", "[!#*]").prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ) {
        let value = match form {
            0 => format!("{user}:{pw}@tcp({host}.internal:{port})/app?parseTime=true"),
            1 => format!("{user}:{pw}@{host}.internal:{port}"),
            // gosnowflake's `user:password@<account>/<db>/<schema>`: a host and a path.
            2 => format!("{user}:{strong}@{host}-xy{port}/ORDERS/PUBLIC?warehouse=WH"),
            // An e-mail account with its password (Postfix's sasl_passwd).
            3 => format!("[smtp.{host}.com]:587 {user}@{host}.com:{strong}"),
            _ => format!("--proxy {user}:{pw}@{host}.example.com:{port} --verbose"),
        };
        prop_assert!(literal_reason("UPSTREAM", &value).is_some(), "{value}");
        for plain in [
            format!("{user}@{host}.com:{port}"),
            format!("deploy@{host}.example.com:/srv/{user}"),
            format!("git@{host}.com:acme/{user}.git"),
            format!("{user}@{host}.internal:/srv/app"),
            format!("{}:30@UTC", port % 24),
            format!("team:payments,owner:{user}@{host}.com"),
            format!("mailto:{user}@{host}.com"),
        ] {
            prop_assert!(literal_reason("UPSTREAM", &plain).is_none(), "{plain}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A password given on a command line is found in each tool's own grammar: a program's
    /// one-letter password option (glued where the tool takes it glued only), a Java tool's
    /// single-dash long option, OpenSSL's `pass:` argument, a `.pgpass` line. The same
    /// commands without a password (`mysql -p` prompting, a placeholder, an IPv6 address) are
    /// configuration.
    #[test]
    fn passwords_on_command_lines_are_found_in_each_tools_grammar(
        tool in prop::sample::select(vec![
            ("mysql", "-p", true), ("mariadb-dump", "-p", true), ("ldapsearch", "-w", false),
            ("redis-cli", "-a", false), ("sqlcmd", "-P", false), ("mongosh", "-p", false),
            ("sshpass", "-p", false), ("openssl", "-k", false), ("openssl", "-K", false),
            ("7z", "-p", true),
        ]),
        pw in password(),
        dir in prop::sample::select(vec!["", "/usr/bin/", "/opt/tools/bin/"]),
        host in "[a-z]{3,10}\\.internal",
        port in 1000u16..9999,
        option in prop::sample::select(vec!["storepass", "keypass", "srcstorepass", "deststorepass", "password"]),
        group in prop::collection::vec("[0-9a-f]{1,4}", 5..=5),
    ) {
        let (program, flag, glued_only) = tool;
        let with = if glued_only {
            format!("{dir}{program} -h {host} -u app {flag}{pw} app")
        } else {
            format!("{dir}{program} -h {host} {flag} {pw} --verbose")
        };
        prop_assert!(literal_reason("CMD", &with).is_some(), "{with}");
        let prompt = format!("{dir}{program} -h {host} {flag} && echo {pw}");
        let placeholder = format!("{dir}{program} -h {host} {flag}${{DB_PASSWORD}}");
        for plain in [prompt, placeholder] {
            prop_assert!(literal_reason("CMD", &plain).is_none(), "{plain}");
        }
        let keytool = format!("keytool -list -{option} {pw} -keystore /opt/app.jks");
        prop_assert!(literal_reason("CMD", &keytool).is_some(), "{keytool}");
        let openssl = format!("openssl pkcs12 -in /opt/a.p12 -passin pass:{pw}");
        prop_assert!(literal_reason("CMD", &openssl).is_some(), "{openssl}");
        let openssl_env = "openssl pkcs12 -in /opt/a.p12 -passin env:P12_PASSWORD";
        prop_assert!(literal_reason("CMD", openssl_env).is_none());
        // lftp's `-u user,password`; htpasswd's batch mode takes the password last, after
        // the file (none with `-n`) and the user.
        for with in [
            format!("lftp -u app,{pw} sftp://{host}"),
            format!("htpasswd -bc /tmp/.htpasswd app {pw}"),
            format!("htpasswd -nbB app {pw}"),
        ] {
            prop_assert!(literal_reason("CMD", &with).is_some(), "{with}");
        }
        for plain in [
            format!("lftp -u app sftp://{host}"),
            "htpasswd -c /tmp/.htpasswd app".to_owned(),
            "htpasswd -D /tmp/.htpasswd app".to_owned(),
        ] {
            prop_assert!(literal_reason("CMD", &plain).is_none(), "{plain}");
        }
        let pgpass = format!("{host}:{port}:app:app:{pw}");
        prop_assert!(literal_reason("PG_LINE", &pgpass).is_some(), "{pgpass}");
        let wildcard = format!("{host}:*:*:app:{pw}");
        prop_assert!(literal_reason("PG_LINE", &wildcard).is_some(), "{wildcard}");
        let ipv6 = group.join(":");
        prop_assert!(literal_reason("PEER", &ipv6).is_none(), "{ipv6}");
    }

    /// In `.env` text a key with nothing after its `=` is empty: the next line's key is not
    /// its value; a value on the key's line is judged.
    #[test]
    fn an_empty_value_ends_at_its_line(
        // A `.env` key: the name's words joined by `_` (a space, dot or dash ends no key there).
        name in secret_names().prop_map(|n| n.replace([' ', '.', '-'], "_")),
        pw in password(),
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let empty = format!("LOG_LEVEL=info{nl}{name}={nl}PORT=8080{nl}");
        prop_assert!(literal_reason("ENV_FILE", &empty).is_none(), "{empty:?}");
        let full = format!("LOG_LEVEL=info{nl}{name}={pw}{nl}PORT=8080{nl}");
        prop_assert!(literal_reason("ENV_FILE", &full).is_some(), "{full:?}");
    }

    /// Keys vendors issue for browsers (PostHog's `phc_` project key, Datadog's `pub` client
    /// token) and W3C trace context IDs are public whatever their randomness; the same
    /// material without that shape is a secret.
    #[test]
    fn browser_keys_and_trace_ids_are_public(
        base62 in from_alphabet(BASE62, 43..=43),
        hex32 in from_alphabet(b"0123456789abcdef", 32..=32),
        hex16 in from_alphabet(b"0123456789abcdef", 16..=16),
        flags in prop::sample::select(vec!["00", "01"]),
    ) {
        let traceparent = format!("00-{hex32}-{hex16}-{flags}");
        for (name, public) in [
            ("POSTHOG_KEY", format!("phc_{base62}")),
            ("DD_CLIENT_TOKEN", format!("pub{hex32}")),
            ("TRACEPARENT", traceparent.clone()),
            ("UPSTREAM", format!("traceparent: {traceparent}")),
        ] {
            prop_assert!(literal_reason(name, &public).is_none(), "{name}={public}");
        }
        // Hex as random as the material rule asks (entropy 3 bits or more, digits and letters).
        let digits = hex32.bytes().filter(u8::is_ascii_digit).count();
        prop_assume!(super::super::secrets::entropy(&hex32) >= 3.0 && digits > 0 && digits < 32);
        let secret = format!("key-{hex32}-{hex16}");
        prop_assert!(literal_reason("UPSTREAM", &secret).is_some(), "{secret}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// An ID whose prefix abbreviates the kind its variable names (`OPENAI_ORG=org-…`,
    /// `VERCEL_PROJECT=prj_…`) is an identifier; the same material under a prefix naming
    /// another kind, or under a secret's name, is not.
    #[test]
    fn ids_prefixed_with_the_kind_their_name_says_are_identifiers(
        (kind, prefix) in prop::sample::select(vec![
            ("ORG", "org"), ("ORGANIZATION", "org"), ("PROJECT", "proj"), ("PROJECT", "prj"),
            ("WORKSPACE", "wksp"), ("WORKSPACE", "ws"), ("TEAM", "team"),
        ]),
        vendor in prop::sample::select(vec!["OPENAI", "VERCEL", "ACME", "CLERK"]),
        sep in prop::sample::select(vec!["-", "_"]),
        id in from_alphabet(BASE62, 24..=40),
    ) {
        let name = format!("{vendor}_{kind}");
        let value = format!("{prefix}{sep}{id}");
        // A prefix of one or two letters says too little (`sk_`).
        let named = prefix.len() >= 3;
        prop_assert_eq!(literal_reason(&name, &value).is_none(), named, "{}={}", name, value);
        let other = format!("{vendor}_SETTING");
        prop_assert!(literal_reason(&other, &value).is_some(), "{other}={value}");
        let secret = format!("{vendor}_{kind}_TOKEN");
        prop_assert!(literal_reason(&secret, &value).is_some(), "{secret}={value}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// Under a key's, an auth setting's, a cookie's, a signature's or a webhook's name a word
    /// names something (`THEME_KEY=forest`, `APP_AUTH=iam`, `UI_HMAC=sha256`), and a date says when a
    /// secret changed (`DB_PASSWORD_ROTATED_AT=2024-05-01T00:00:00Z`); generated key material,
    /// a password and a date under a password's name are secrets.
    #[test]
    fn words_under_a_keys_name_and_dates_are_settings(
        owner in prop::sample::select(vec!["THEME", "LAYOUT", "STYLE", "MERMAID", "UI"]),
        head in prop::sample::select(vec!["KEY", "AUTH", "HMAC", "COOKIE", "SIGNATURE", "WEBHOOK"]),
        words in prop::collection::vec("[a-z]{3,12}", 1..3),
        alg in prop::sample::select(vec!["sha256", "SHA-512", "md5", "HS256", "RS512", "ES384", "EdDSA"]),
        sep in prop::sample::select(vec!["-", "_", "."]),
        upper in any::<bool>(),
        m in material(),
        pw in password(),
        (y, mo, d, h) in (1990u32..2040, 1u32..13, 1u32..29, 0u32..24),
        when in prop::sample::select(vec!["ROTATED_AT", "UPDATED_AT", "CREATED", "CHANGED_DATE", "ISSUED_TIME", "SINCE"]),
    ) {
        let name = format!("{owner}_{head}");
        let word = words.join(sep);
        let word = if upper { word.to_uppercase() } else { word };
        prop_assert!(literal_reason(&name, &word).is_none(), "{name}={word}");
        prop_assert!(literal_reason(&name, alg).is_none(), "{name}={alg}");
        prop_assert!(literal_reason(&name, &m).is_some(), "{name}={m}");
        prop_assert!(literal_reason("DB_PASSWORD", &word).is_some(), "DB_PASSWORD={word}");
        // Qualified as a credential, a word may be one a person chose.
        for qualified in ["SECRET_KEY", "APP_SECRET_KEY", "API_KEY", "BASIC_AUTH", "JWT_SIGNING_KEY"] {
            prop_assert!(literal_reason(qualified, &word).is_some(), "{qualified}={word}");
        }
        let date = format!("{y:04}-{mo:02}-{d:02}T{h:02}:00:00Z");
        for secret in ["DB_PASSWORD", "API_TOKEN", "SIGNING_SECRET"] {
            let when = format!("{secret}_{when}");
            prop_assert!(literal_reason(&when, &date).is_none(), "{when}={date}");
        }
        let day = format!("{y:04}-{mo:02}-{d:02}");
        prop_assert!(literal_reason("DB_PASSWORD", &day).is_some(), "DB_PASSWORD={day}");
        prop_assert!(literal_reason("DB_PASSWORD", &pw).is_some(), "DB_PASSWORD={pw}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A Firebase web config's `apiKey` is public by Firebase's docs, found by the config's own
    /// keys; the same key in other JSON, or a secret beside it, is found.
    #[test]
    fn a_firebase_web_configs_api_key_is_public(
        key in from_alphabet(BASE62, 35..=35).prop_map(|s| format!("AIza{s}")),
        project in "[a-z][a-z0-9-]{4,20}",
        sender in "[0-9]{12}",
        other in prop::sample::select(vec!["authDomain", "appId", "messagingSenderId", "storageBucket"]),
        m in material(),
    ) {
        let config = format!(r#"{{"apiKey":"{key}","projectId":"{project}","{other}":"{sender}"}}"#);
        prop_assert!(literal_reason("FIREBASE_CONFIG", &config).is_none(), "{config}");
        prop_assert!(literal_reason("APP_SETTINGS", &config).is_none(), "{config}");
        let bare = format!(r#"{{"apiKey":"{key}","region":"eu-west-1"}}"#);
        prop_assert!(literal_reason("APP_SETTINGS", &bare).is_some(), "{bare}");
        let beside = format!(r#"{{"apiKey":"{key}","projectId":"{project}","{other}":"{sender}","clientSecret":"{m}"}}"#);
        prop_assert!(literal_reason("FIREBASE_CONFIG", &beside).is_some(), "{beside}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A URL's path names what it points at (`/avatar/<md5>`, `/commit/<sha>`): hex there is an
    /// identifier. The same material where a URL carries credentials — its user part, a
    /// credential's query parameter — or in a capability URL's path (a webhook's, after a
    /// secret-named segment, in a segment's parameters or `id:secret` pair) is a secret.
    #[test]
    fn url_paths_are_identifiers_and_credential_positions_are_not(
        digest in from_alphabet(b"0123456789abcdef", 32..=64),
        host in prop::sample::select(&["www.gravatar.com", "github.com", "cdn.example.com", "d1a2b3c4.cloudfront.net", "10.0.0.7:8443"][..]),
        lead in prop::sample::select(&["avatar", "acme/app/commit", "builds/v2", "", "v1/keys", "api/tokens", "secrets"][..]),
        tail in prop::sample::select(&["", "/app.tar.gz", ".json", "?s=200&d=mp", "#L10"][..]),
        name in prop::sample::select(&["AVATAR_URL", "LINK", "DOWNLOAD", "SCHEMA"][..]),
        param in prop::sample::select(&["token", "api_key", "access_token", "sig", "X-Amz-Signature", "secret"][..]),
        hook in prop::sample::select(&["https://hooks.example.com/services/", "https://discord.com/api/webhooks/123/", "https://maker.ifttt.com/trigger/x/with/key/", "https://app.example.com/token/", "https://app.example.com/home;jsessionid=", "https://api.example.com/bot12345:", "https://events.pagerduty.com/integration/", "https://http-intake.logs.datadoghq.com/v1/input/", "https://endpoint.collection.sumologic.com/receiver/v1/http/", "https://logs-01.loggly.com/inputs/"][..]),
    ) {
        let path = if lead.is_empty() { format!("/{digest}") } else { format!("/{lead}/{digest}") };
        let url = format!("https://{host}{path}{tail}");
        prop_assert!(literal_reason(name, &url).is_none(), "{name}={url}: {:?}", literal_reason(name, &url));
        for bad in [
            format!("https://{host}/{lead}?{param}={digest}"),
            format!("https://app:{digest}@{host}/{lead}"),
            format!("{hook}{digest}"),
        ] {
            prop_assert!(literal_reason(name, &bad).is_some(), "{name}={bad}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A content-addressed path (`builds/<sha256>/app.zip`, `cache/ab/<sha>`) names a file by
    /// its digest; random base64 that holds `/` is no path and stays key material.
    #[test]
    fn content_addressed_paths_are_not_secrets(
        digest in from_alphabet(b"0123456789abcdef", 32..=64),
        upper in any::<bool>(),
        dir in prop::sample::select(&["builds", "cache/ab", "objects/3f", "tenants/acme", "/nix/store", "blobs/sha256"][..]),
        file in prop::sample::select(&["", "/app.zip", ".parquet", "-openssl-3.0.13"][..]),
        name in prop::sample::select(&["ARTIFACT", "CACHE_PREFIX", "OBJECT", "STORE_PATH", "LAYER"][..]),
        key in from_alphabet(BASE62, 40..=60),
        cut in 8usize..30,
    ) {
        // A digest that happens to spell a vendor's token (ClickHouse's `4b1d…`) is judged as
        // that vendor's format.
        prop_assume!(super::super::secrets::matching_rule(&digest).is_none());
        let digest = if upper { digest.to_uppercase() } else { digest };
        let path = format!("{dir}/{digest}{file}");
        prop_assert!(literal_reason(name, &path).is_none(), "{name}={path}: {:?}", literal_reason(name, &path));
        let base64 = format!("{}/{}", &key[..cut], &key[cut..]);
        prop_assert!(literal_reason(name, &base64).is_some(), "{name}={base64}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// Key material under its own key in a config is what that key names: a public key
    /// (WireGuard's `PublicKey = …`) is public, a private one a secret.
    #[test]
    fn a_configs_own_key_names_its_material(
        key in from_alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 43..=43),
        public in prop::sample::select(&["PublicKey", "public_key", "peer.public-key", "PUBKEY"][..]),
        private in prop::sample::select(&["PrivateKey", "private_key", "PresharedKey", "secret"][..]),
        sep in prop::sample::select(&[" = ", "=", ": "][..]),
    ) {
        let peer = format!("[Peer]\n{public}{sep}{key}=\nEndpoint{sep}vpn.example.com:51820\n");
        prop_assert!(literal_reason("WG_PEER", &peer).is_none(), "{peer}: {:?}", literal_reason("WG_PEER", &peer));
        let own = format!("[Interface]\n{private}{sep}{key}=\nAddress{sep}10.0.0.2/32\n");
        prop_assert!(literal_reason("WG_PEER", &own).is_some(), "{own}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// An ARN is an identifier whatever random ID its resource ends with, also with the
    /// account left to `${AWS::AccountId}` (a KMS key's ARN under `KmsKeyId`); the same
    /// material after a secret's name and no ARN is found.
    #[test]
    fn an_arn_around_the_account_is_no_secret(
        service in prop::sample::select(vec!["kms", "secretsmanager", "sqs", "lambda"]),
        id in prop_oneof![
            from_alphabet(b"0123456789abcdef", 32..=32),
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            material(),
        ],
        name in prop::sample::select(vec!["KmsKeyId", "KMS_KEY_ARN", "SigningKeyArn", "API_KEY_SECRET_ARN"]),
    ) {
        let account = super::super::resolve::Unknown {
            what: "the account ID".into(),
            origin: super::super::resolve::Origin::Account,
            may_wildcard: false,
            may_slash: false,
            max_len: Some(12),
            examples: Vec::new(),
                described_as_secret: false,
        };
        let resolved = Resolved {
            parts: vec![
                Part::Text(format!("arn:aws:{service}:us-west-2:")),
                Part::Unknown(account),
                Part::Text(format!(":key/{id}")),
            ],
        };
        prop_assert!(variable_reason(name, &resolved).is_none(), "{name}={resolved:?}");
        prop_assert!(literal_reason("API_KEY", &id).is_some(), "API_KEY={id}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A secret's name with its value in other grammars: a configuration directive alone on
    /// its line (`requirepass …`), Perl/PHP/Ruby pairs (`'password' => '…'`,
    /// `:password => '…'`), the first two quoted arguments of a call (`define('DB_PASSWORD',
    /// '…')`). A word, a number or a second name there is prose, a setting or a list of names.
    #[test]
    fn secrets_in_directives_pairs_and_calls_are_found(
        name in secret_names().prop_map(|n| n.replace(' ', "_")),
        other in secret_names().prop_map(|n| n.replace(' ', "_")),
        pw in password(),
        word in "[a-z]{3,10}",
        number in 1u32..100_000,
        q in prop::sample::select(vec!["'", "\""]),
        call in prop::sample::select(vec!["define", "os.environ.setdefault", "ENV.fetch", ""]),
    ) {
        // A password that spells a secret's name (`sfb4061Pw`) makes a pair of names.
        prop_assume!(!secret_name(&pw));
        let directive = format!("port 6379\n{name} {pw}\nmaxmemory 256mb");
        prop_assert!(literal_reason("CONF", &directive).is_some(), "{directive}");
        for arrow in [format!("{q}{name}{q} => {q}{pw}{q}"), format!("{{:{name} => {q}{pw}{q}}}")] {
            prop_assert!(literal_reason("CONF", &arrow).is_some(), "{arrow}");
        }
        let called = format!("{call}({q}{name}{q}, {q}{pw}{q});");
        prop_assert!(literal_reason("CONF", &called).is_some(), "{called}");
        for plain in [
            format!("{name} {word}"),
            format!("{name} {number}"),
            format!("{call}({q}{name}{q}, {q}{other}{q})"),
            format!("[{q}{name}{q}, {q}{other}{q}]"),
            format!("{q}{name}{q} => {q}${{{}}}{q}", name.to_ascii_uppercase()),
        ] {
            prop_assert!(literal_reason("CONF", &plain).is_none(), "{plain}: {:?}", literal_reason("CONF", &plain));
        }
    }

    /// A client given its user by `-u` takes its password by `-p`/`-P`, whatever the program
    /// (`hdbsql`, `mosquitto_pub`); a port, a port mapping or a flag there is none.
    #[test]
    fn a_password_option_beside_a_user_option_is_found(
        program in "[a-z][a-z_]{2,12}",
        user_flag in prop::sample::select(vec!["-u", "-U"]),
        flag in prop::sample::select(vec!["-p", "-P"]),
        pw in password(),
        port in 1u16..65535,
    ) {
        prop_assume!(!program.starts_with("mysql") && !program.starts_with("maria") && program != "zip");
        let with = format!("{program} -n db.internal {user_flag} app {flag} {pw} -d app");
        prop_assert!(literal_reason("CMD", &with).is_some(), "{with}");
        for plain in [
            format!("{program} {user_flag} app {flag} {port}"),
            format!("{program} {user_flag} 1000 {flag} {port}:{port}"),
            format!("{program} {user_flag} app {flag} -v"),
            format!("{program} {flag} {pw}"),
        ] {
            prop_assert!(literal_reason("CMD", &plain).is_none(), "{plain}");
        }
    }

    /// A JSON map keyed by credentials is a secret whatever its values; keyed by names or by
    /// hex digests (a manifest of content) it is not.
    #[test]
    fn a_json_map_keyed_by_key_material_is_a_secret(
        m in material().prop_filter("not hex", |m| !m.bytes().all(|b| b.is_ascii_hexdigit())),
        digest in from_alphabet(b"0123456789abcdef", 40..=64),
        user in "[a-z]{3,10}".prop_filter("a user's name, not a secret's (`xxmdp`)", |u| !secret_name(u)),
    ) {
        // Material its shape alone gives away (short base64url with words in it may not).
        prop_assume!(secret_value(&m, None).is_some());
        let keyed = format!(r#"{{"{m}": "{user}"}}"#);
        prop_assert!(literal_reason("CLIENTS", &keyed).is_some(), "{keyed}");
        for plain in [format!(r#"{{"{user}": "admin"}}"#), format!(r#"{{"{digest}": "{user}.js"}}"#)] {
            prop_assert!(literal_reason("CLIENTS", &plain).is_none(), "{plain}");
        }
    }

    /// Alphabets that ID generators and encoders are configured with are not key material:
    /// a shuffled one of 48 characters or more, or a sorted one (random material of a secret's
    /// length, which repeats characters, is found by the tests of material above).
    #[test]
    fn alphabets_are_not_key_material(
        shuffled in Just(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".to_vec())
            .prop_shuffle(),
        len in 48usize..=64,
        sorted_from in 0usize..=20,
        sorted_len in 26usize..=42,
    ) {
        let shuffled = String::from_utf8(shuffled[..len].to_vec()).unwrap_or_default();
        prop_assert!(literal_reason("ID_CHARSET", &shuffled).is_none(), "{shuffled}");
        let sorted = &"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[sorted_from..sorted_from + sorted_len];
        prop_assert!(literal_reason("ALPHABET", sorted).is_none(), "{sorted}");
    }

    /// IPFS content identifiers name content by its digest: CIDv0 (`Qm…`) and CIDv1 in base32
    /// (`bafy…`) are public, also in a gateway's URL.
    #[test]
    fn ipfs_content_ids_are_digests(
        digest in prop::collection::vec(any::<u8>(), 32..=32),
        codec in prop::sample::select(vec![0x70u8, 0x55, 0x71]),
    ) {
        let v0 = base58(&[&[0x12, 0x20][..], &digest].concat());
        prop_assert!(v0.starts_with("Qm"), "{v0}");
        prop_assert!(literal_reason("ROOT", &v0).is_none(), "{v0}");
        let v1 = format!("b{}", base32_lower(&[&[1, codec, 0x12, 0x20][..], &digest].concat()));
        prop_assert!(literal_reason("ROOT", &v1).is_none(), "{v1}");
        let url = format!("https://ipfs.io/ipfs/{v1}/index.html");
        prop_assert!(literal_reason("ASSETS", &url).is_none(), "{url}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A webhook's path after its `hooks` segment is its key, even lower-case letters and
    /// digits too short for entropy (Mattermost's 26); a hook's number or name is not one.
    #[test]
    fn a_webhook_paths_key_after_hooks_is_found(
        id in "[a-z0-9]{20,32}".prop_filter("letters and digits", |id| {
            id.bytes().any(|b| b.is_ascii_digit())
                && id.bytes().any(|b| b.is_ascii_alphabetic())
                && !id.bytes().all(|b| b.is_ascii_hexdigit())
        }),
        host in "[a-z]{3,10}\\.example\\.com",
        number in 1u32..99_999_999,
        word in "[a-z]{3,10}",
        segment in prop::sample::select(vec!["hooks", "webhooks", "incoming-hooks"]),
    ) {
        let hook = format!("https://{host}/{segment}/{id}");
        prop_assert!(literal_reason("CHAT", &hook).is_some(), "{hook}");
        for plain in [
            format!("https://api.github.com/repos/acme/{word}/{segment}/{number}"),
            format!("https://{host}/docs/{segment}/{word}-{word}"),
            format!("https://{host}/{segment}"),
        ] {
            prop_assert!(literal_reason("CHAT", &plain).is_none(), "{plain}");
        }
    }

    /// A Redis ACL rule's `>password` is a password; `nopass` is none.
    #[test]
    fn redis_acl_passwords_are_found(
        user in "[a-z]{3,10}",
        pw in password(),
        prefix in prop::sample::select(vec!["", "ACL SETUSER "]),
    ) {
        let with = format!("{prefix}user {user} on >{pw} ~cache:* +@read");
        let with = with.replace("ACL SETUSER user", "ACL SETUSER");
        prop_assert!(literal_reason("REDIS_USERS", &with).is_some(), "{with}");
        let plain = format!("user {user} on nopass ~cache:* +@read");
        prop_assert!(literal_reason("REDIS_USERS", &plain).is_none(), "{plain}");
    }

    /// A list of secrets' names (what a log redacts) is no secret under a secret's name; one
    /// word alone there may be the password itself.
    #[test]
    fn a_list_of_secret_names_is_no_secret(
        names in prop::collection::vec(secret_names().prop_map(|n| n.replace([' ', '-', '.'], "_")), 2..5),
        sep in prop::sample::select(vec![",", ", "]),
        quoted in any::<bool>(),
        pw in password(),
    ) {
        let items: Vec<String> = names.iter().map(|n| if quoted { format!("\"{n}\"") } else { n.clone() }).collect();
        let list = if quoted { format!("[{}]", items.join(sep)) } else { items.join(sep) };
        prop_assert!(literal_reason("LOG_REDACT_KEYS", &list).is_none(), "{list}");
        prop_assert!(literal_reason("LOG_REDACT_KEYS", &pw).is_some(), "{pw}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// What a person writes to be replaced is no secret under any name: prose in angle
    /// brackets, a conventional stand-in in one case (`REPLACE_ME`, `your-api-key-here`,
    /// `TODO`); a password beside the same words is still found.
    #[test]
    fn stand_ins_for_a_secret_are_not_secrets(
        name in secret_names(),
        words in prop::collection::vec("[a-z]{2,9}", 1..4),
        stand_in in prop::sample::select(vec![
            "REPLACE_ME", "replace-with-your-token", "CHANGE_ME", "change-me", "TODO", "tbd",
            "FIXME", "placeholder", "REDACTED", "your-api-key-here", "YOUR_PASSWORD", "fill-me-in",
        ]),
        pw in password(),
    ) {
        let angled = format!("<{}>", words.join(" "));
        for plain in [angled, stand_in.to_owned()] {
            prop_assert!(literal_reason(&name, &plain).is_none(), "{name}={plain}");
        }
        let mixed = format!("{stand_in}{pw}");
        prop_assert!(literal_reason(&name, &mixed).is_some(), "{name}={mixed}");
    }

    /// The key a store keeps a secret under (`DB_SECRET_JSON_KEY=password`,
    /// `TOKEN_CACHE_KEY=tokens:api`) names a place, not the secret; the secret's own name
    /// with the same value is one.
    #[test]
    fn the_key_a_store_keeps_a_secret_under_is_no_secret(
        secret in prop::sample::select(vec!["password", "secret", "token", "api_key", "credentials"]),
        store in prop::sample::select(vec!["json", "cache", "redis", "s3", "ssm", "dict", "map", "config"]),
        style in 0..9usize,
        value in "[a-z]{3,12}",
    ) {
        let words: Vec<&str> = secret.split('_').chain(["db", store, "key"]).collect();
        let name = styled(&words, style);
        prop_assert!(literal_reason(&name, &value).is_none(), "{name}={value}");
        let own = styled(&["db", "password"], style);
        prop_assert!(literal_reason(&own, &format!("{value}7Q")).is_some(), "{own}");
    }
}

/// Base58 (Bitcoin's alphabet) by repeated division, as IPFS writes CIDv0.
fn base58(bytes: &[u8]) -> String {
    const A: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut n = bytes.to_vec();
    let mut out = Vec::new();
    while n.iter().any(|b| *b != 0) {
        let mut rem = 0u32;
        for b in &mut n {
            let cur = rem * 256 + u32::from(*b);
            *b = u8::try_from(cur / 58).unwrap_or(0);
            rem = cur % 58;
        }
        out.push(A[rem as usize]);
    }
    out.extend(bytes.iter().take_while(|b| **b == 0).map(|_| b'1'));
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// RFC 4648 base32, lower case, no padding, as multibase's `b` writes it.
fn base32_lower(bytes: &[u8]) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let n = block.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(char::from(A[((n >> (35 - 5 * i)) & 31) as usize]));
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    /// A PIN is 4 to 12 digits (ISO 9564) under a name whose last word is `pin` (or `pin`
    /// then `code`/`number`), in every separated case style; one or two digits there are a
    /// board's pin number, and digits under a PIN's setting (`PIN_LENGTH`) are the setting.
    #[test]
    fn pins_are_four_to_twelve_digits_under_a_pins_name(
        pin in "[0-9]{4,12}",
        board in "[0-9]{1,2}",
        owner in prop::sample::select(&["sim", "admin", "card", "atm", "door", "device", "unlock"][..]),
        tail in prop::sample::select(vec![Vec::new(), vec!["code"], vec!["number"]]),
        style in prop::sample::select(vec![0usize, 1, 2, 4, 5, 8]),
        property in prop::sample::select(&["length", "ttl", "retries", "attempts"][..]),
    ) {
        let words: Vec<&str> = [owner, "pin"].iter().chain(tail.iter()).copied().collect();
        let name = styled(&words, style);
        prop_assert!(literal_reason(&name, &pin).is_some(), "{name}={pin}");
        prop_assert!(literal_reason(&name, &board).is_none(), "{name}={board}");
        let setting = styled(&[owner, "pin", property], style);
        prop_assert!(literal_reason(&setting, &pin).is_none(), "{setting}={pin}");
    }

    /// Key material written as a JSON array of bytes (Solana's and NEAR's keypair files) is
    /// found, alone or under a field; arrays of small numbers, sorted ones and lists with a
    /// value that is no byte are settings.
    #[test]
    fn byte_arrays_of_random_bytes_are_key_material(
        low in prop::sample::subsequence((0u8..=127).collect::<Vec<_>>(), 8..=32),
        high in prop::sample::subsequence((128u8..=255).collect::<Vec<_>>(), 8..=32),
        order in any::<u64>(),
        small in prop::collection::vec(0u16..=100, 16..=64),
        ramp in prop::collection::vec(any::<u8>(), 16..=64),
        name in plain_names(),
    ) {
        // Distinct bytes, half of them high, shuffled (then any two out of order).
        let mut bytes: Vec<u8> = low[..low.len().min(high.len())].iter().chain(high.iter()).copied().collect();
        let mut x = order | 1;
        for i in (1..bytes.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let j = usize::try_from(x % (i as u64 + 1)).unwrap_or(0);
            bytes.swap(i, j);
        }
        if bytes.windows(2).all(|w| w[0] <= w[1]) || bytes.windows(2).all(|w| w[0] >= w[1]) {
            bytes.swap(0, 1);
        }
        let array = |v: &[String]| format!("[{}]", v.join(","));
        let key = array(&bytes.iter().map(u8::to_string).collect::<Vec<_>>());
        prop_assert!(literal_reason(&name, &key).is_some(), "{name}={key}");
        let field = format!(r#"{{"account":"acme","keypair":{key}}}"#);
        prop_assert!(literal_reason(&name, &field).is_some(), "{name}={field}");
        let small = array(&small.iter().map(u16::to_string).collect::<Vec<_>>());
        prop_assert!(literal_reason(&name, &small).is_none(), "{name}={small}");
        let mut sorted = ramp.clone();
        sorted.sort_unstable();
        let sorted = array(&sorted.iter().map(u8::to_string).collect::<Vec<_>>());
        prop_assert!(literal_reason(&name, &sorted).is_none(), "{name}={sorted}");
        // The same bytes in Python's or C's escapes, and as a C array of `0x` bytes.
        let escaped: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
        let python = format!("b'{escaped}'");
        prop_assert!(literal_reason(&name, &python).is_some(), "{name}={python}");
        let c_array = format!("{{ {} }}", bytes.iter().map(|b| format!("0x{b:02X}")).collect::<Vec<_>>().join(", "));
        prop_assert!(literal_reason(&name, &c_array).is_some(), "{name}={c_array}");
        let mut ascending = bytes.clone();
        ascending.sort_unstable();
        let ascending: String = ascending.iter().map(|b| format!("\\x{b:02x}")).collect();
        prop_assert!(literal_reason(&name, &ascending).is_none(), "{name}={ascending}");
        let mut wide: Vec<String> = bytes.iter().map(u8::to_string).collect();
        wide.push("1000".into());
        let wide = array(&wide);
        prop_assert!(literal_reason(&name, &wide).is_none(), "{name}={wide}");
    }

    /// RFC 7468's public PEM labels (certificates and their chains, requests, CRLs, signed
    /// data, public keys) are public whatever their body; a private key's label is not.
    #[test]
    fn pem_blocks_are_judged_by_their_label(
        body in prop::collection::vec(any::<u8>(), 64..=400),
        public in prop::sample::select(&["CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE", "TRUSTED CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "X509 CRL", "PKCS7", "CMS", "ATTRIBUTE CERTIFICATE", "PUBLIC KEY", "RSA PUBLIC KEY", "SSH2 PUBLIC KEY", "PGP PUBLIC KEY BLOCK", "DH PARAMETERS", "EC PARAMETERS"][..]),
        private in prop::sample::select(&["PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "PGP PRIVATE KEY BLOCK", "DSA PRIVATE KEY"][..]),
        name in plain_names(),
    ) {
        let block = |label: &str| format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", b64(&body));
        let chain = format!("{}{}", block(public), block(public));
        prop_assert!(literal_reason(&name, &chain).is_none(), "{name}={chain}");
        let bundle = format!("{}{}", block(public), block(private));
        prop_assert!(literal_reason(&name, &bundle).is_some(), "{name}={bundle}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A secret's name spelled with digits for letters (`S3CRET`, `T0KEN`, `PA55WORD`) is the
    /// secret's name in every case style; the substitutions are undone exactly, so every
    /// spelling of a secret word is one.
    #[test]
    fn secret_names_spelled_with_digits_are_secret_names(
        head in prop::sample::select(&["password", "secret", "token", "passphrase", "credentials", "apikey", "passwort", "senha"][..]),
        mask in any::<u16>(),
        qualifier in prop::sample::select(&["", "db", "app", "github", "x"][..]),
        style in 0..9usize,
        pw in password(),
    ) {
        let spelled: String = head
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let leet = match c { 'o' => '0', 'i' => '1', 'e' => '3', 'a' => '4', 's' => '5', 't' => '7', c => c };
                if mask >> (i % 16) & 1 == 1 { leet } else { c }
            })
            .collect();
        let words: Vec<&str> = [qualifier, spelled.as_str()].into_iter().filter(|w| !w.is_empty()).collect();
        let name = styled(&words, style);
        prop_assert!(secret_name(&name), "{name}: {:?}", pieces(&name));
        prop_assert!(literal_reason(&name, &pw).is_some(), "{name}={pw}");
    }

    /// Samba's tools take `-U user%password`: the part after `%` is a password; a user alone,
    /// or an empty password, is none.
    #[test]
    fn samba_user_percent_password_is_a_password(
        program in prop::sample::select(&["smbclient //files.internal/share", "rpcclient files.internal", "net ads join", "smbcacls //files.internal/share /x"][..]),
        user in "[a-z]{3,8}",
        pw in password(),
        glued in any::<bool>(),
    ) {
        let option = |v: &str| if glued { format!("--user={v}") } else { format!("-U {v}") };
        let with = format!("{program} {} -c ls", option(&format!("{user}%{pw}")));
        prop_assert!(literal_reason("SHARE_CMD", &with).is_some(), "{with}");
        for without in [option(&user), option(&format!("{user}%"))] {
            let cmd = format!("{program} {without} -N -c ls");
            prop_assert!(literal_reason("SHARE_CMD", &cmd).is_none(), "{cmd}");
        }
    }

    /// curl takes `-u user:password`: the part after the first `:` is a password, a literal
    /// or one an input fills (a build argument); a user alone or a shell variable the command
    /// reads at run time (a mounted secret, which gitleaks' allowlist of its rule passes) is
    /// none.
    #[test]
    fn curls_user_colon_password_is_a_password_also_an_inputs(
        user in "[a-z]{3,8}",
        pw in prop_oneof![password(), Just(super::values::INPUT.to_string())],
        option in prop::sample::select(&["-u ", "-u", "--user ", "--user=", "--proxy-user ", "-U "][..]),
        quote in prop::sample::select(&["", "\""][..]),
    ) {
        // Quoted as a separate word (gitleaks' rule reads a glued quoted one on its own).
        let quote = if option.ends_with(' ') { quote } else { "" };
        let run = |v: &str| format!("curl -fsSL {option}{quote}{v}{quote} https://repo.internal/pkg.tgz -o /tmp/pkg.tgz");
        let with = run(&format!("{user}:{pw}"));
        prop_assert!(super::command_reason(&with).is_some(), "{with}");
        for without in [user.clone(), format!("{user}:$CURL_PASSWORD"), format!("{user}:${{CURL_PASSWORD}}")] {
            let cmd = run(&without);
            prop_assert!(super::command_reason(&cmd).is_none(), "{cmd}");
        }
    }

    /// A known_hosts line (a host, a key type, a public key blob) is public under any name,
    /// also one that says it is a host's key.
    #[test]
    fn known_hosts_lines_are_public_under_a_keys_name(
        key in prop::collection::vec(any::<u8>(), 32..=32),
        host in "[a-z]{3,10}\\.example\\.com",
        marker in prop::sample::select(&["", "@cert-authority "][..]),
        name in prop::sample::select(&["SFTP_HOST_KEY", "SSH_SERVER_KEY", "HOST_KEYS", "UPSTREAM"][..]),
    ) {
        let mut blob = Vec::new();
        for part in [b"ssh-ed25519".as_slice(), key.as_slice()] {
            blob.extend_from_slice(&u32::try_from(part.len()).unwrap_or_default().to_be_bytes());
            blob.extend_from_slice(part);
        }
        let line = format!("{marker}{host} ssh-ed25519 {}", b64(&blob));
        prop_assert!(literal_reason(name, &line).is_none(), "{name}={line}");
    }
}

/// Multibase base36 (`k…`) of `bytes`, as IPFS writes IPNS names.
fn base36(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in &mut digits {
            let v = u32::from(*d) * 256 + carry;
            *d = u8::try_from(v % 36).unwrap_or(0);
            carry = v / 36;
        }
        while carry > 0 {
            digits.push(u8::try_from(carry % 36).unwrap_or(0));
            carry /= 36;
        }
    }
    let alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz";
    std::iter::once('k')
        .chain(
            digits
                .iter()
                .rev()
                .map(|d| char::from(alphabet[usize::from(*d)])),
        )
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// A parameter or export named like a secret (`GithubToken`, an import of
    /// `${Stage}-GithubToken`) puts a secret into the environment wherever it stands, under any variable's name; one named for a property
    /// of a secret (`GithubTokenArn`) or for anything else does not.
    #[test]
    fn an_input_named_like_a_secret_is_a_secret(
        secret in (secret_words(), prop::sample::select(vec![4usize, 5, 6, 7])).prop_map(|(w, s)| styled(&w, s)),
        plain in plain_names(),
        kind in 0..3usize,
        before in prop::sample::select(vec!["", "prefix-", "https://api.example.com/v1/"]),
    ) {
        // A parameter, an export, or an export whose name an input starts (`${Stage}-…`).
        let input = |name: &str| super::super::resolve::Unknown {
            what: match kind {
                0 => format!("parameter `{name}`"),
                1 => format!("the export `{name}`"),
                _ => format!("an export named `…-{name}`"),
            },
            origin: super::super::resolve::Origin::Input,
            may_wildcard: true,
            may_slash: true,
            max_len: Some(4096),
            examples: Vec::new(),
                described_as_secret: false,
        };
        let value = |name: &str| Resolved {
            parts: [Part::Text(before.to_owned()), Part::Unknown(input(name))]
                .into_iter()
                .filter(|p| *p != Part::Text(String::new()))
                .collect(),
        };
        prop_assert!(variable_reason(&plain, &value(&secret)).is_some(), "{plain}={secret}");
        let arn = format!("{secret}Arn");
        prop_assert!(variable_reason(&plain, &value(&arn)).is_none(), "{plain}={arn}");
        let other = plain.replace('_', "");
        prop_assert!(variable_reason(&plain, &value(&other)).is_none(), "{plain}={other}");
    }

    /// An IPNS name or libp2p peer ID in base36 (a CIDv1 of codec libp2p-key whose identity
    /// multihash is the public key) is public; the same bytes under another codec are no
    /// content ID (an identity multihash carries any bytes, a secret too).
    #[test]
    fn ipns_names_are_public_keys(
        key in prop::collection::vec(any::<u8>(), 32..=32),
        name in prop::sample::select(vec!["IPNS_NAME", "PEER_ID", "SITE_ROOT"]),
    ) {
        // The ed25519 public key's protobuf (type 1, 32-byte data), its identity multihash.
        let mut cid = vec![0x01, 0x72, 0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
        cid.extend_from_slice(&key);
        let ipns = base36(&cid);
        prop_assert!(literal_reason(name, &ipns).is_none(), "{name}={ipns}");
        // A CID whose identity multihash is not a libp2p key is no public key: this rule does
        // not pass it (the material rule judges it).
        cid[1] = 0x55;
        prop_assert!(!super::values::content_id(&base36(&cid)[..]));
    }
}

proptest! {
    #![proptest_config(config())]

    /// Dotted names — Java system properties, package and logger names, OpenTelemetry keys —
    /// are words between dots, in any case style, after `-D`, as `key=value` or alone: no
    /// token. Random segments joined by dots still are one.
    #[test]
    fn dotted_names_of_words_are_no_tokens(
        words in prop::collection::vec(prop::sample::select(vec![
            "javax", "net", "ssl", "trust", "store", "otel", "traces", "sampler", "max", "retry",
            "attempts", "log4j2", "format", "msg", "no", "lookups", "spring", "datasource",
            "hikari", "pool", "size", "com", "amazonaws", "sdk", "disable", "cert", "checking",
        ]), 3..7),
        camel in any::<bool>(),
        form in 0..3usize,
        segments in prop::collection::vec(from_alphabet(BASE62, 12..=40), 3..=3),
    ) {
        let cap = |w: &str| w[..1].to_ascii_uppercase() + &w[1..];
        let mut pieces: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        if camel && let Some(last) = pieces.pop() {
            // The last two words one camelCase segment (`trustStore`).
            let before = pieces.pop().unwrap_or_default();
            pieces.push(format!("{before}{}", cap(&last)));
        }
        let name = pieces.join(".");
        let value = match form {
            0 => format!("-XX:+UseSerialGC -D{name}=/opt/certs/truststore.jks"),
            1 => format!("{name}=true"),
            _ => name,
        };
        prop_assert!(literal_reason("JAVA_TOOL_OPTIONS", &value).is_none(), "{value}: {:?}", literal_reason("JAVA_TOOL_OPTIONS", &value));
        let token = segments.join(".");
        prop_assert!(literal_reason("SETTING", &token).is_some(), "{token}");
    }
}

/// A generated password — letters, digits and symbols at random, Django's secret key alphabet
/// after its label or a password manager's — is found under any name, its symbols cutting
/// every run of letters and digits short; settings written with the same symbols (versions,
/// addresses, lists, patterns, JVM flags) are not. Measured like the README's figures: a
/// generated text can spell words or settings by chance, so a few percent may pass.
#[test]
fn generated_passwords_with_symbols_are_secrets_and_settings_are_not() {
    let mut x: u64 = 0x5ec2_e75e;
    let mut draw = |alphabet: &[u8], len: usize| -> String {
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(alphabet[(x % alphabet.len() as u64) as usize])
            })
            .collect()
    };
    let django = b"abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
    let manager =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()-_=+[]{}<>?";
    let (mut keys, mut passwords) = (0, 0);
    for i in 0..2000 {
        let key = format!("django-insecure-{}", draw(django, 50));
        keys += usize::from(literal_reason("APP_SETTING", &key).is_some());
        let password = draw(manager, 32 + i % 33);
        passwords += usize::from(literal_reason("UPSTREAM", &password).is_some());
    }
    assert!(keys >= 1900, "{keys} of 2000 Django keys found");
    // Mixed-case letters run long between symbols: those a settings' camelCase words look like.
    assert!(
        passwords >= 1800,
        "{passwords} of 2000 generated passwords found"
    );
    for setting in [
        "node@20.11.1,python@3.12.1,go@1.22.0,java@21.0.2",
        "2001:db8:85a3::8a2e:370:7334,fe80::1%eth0,::ffff:10.0.0.1",
        "v1.2.3-rc.4+build.5,v2.0.0-beta.1+exp.sha.5114f85",
        "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
        "-XX:MaxRAMPercentage=75.0,-XX:+UseG1GC,-Xss512k,-XX:+ExitOnOutOfMemoryError",
        "a1:b2:c3:d4:e5:f6,0a:1b:2c:3d:4e:5f,de:ad:be:ef:00:01",
        "env:prod,team:payments,service:orders,version:1.42.0",
        "team:payments,owner:f_ow2c8@bma.com",
        "10.0.0.0/8;172.16.0.0/12;192.168.0.0/16",
        "cron(0/15;*;?;*;MON-FRI;*)",
        "max-age=31536000;includeSubDomains;preload",
        "x=1;y=2,z=3|w=4&v=5#u=6",
        "${A:-1}+${B:-2}*(${C}-3)",
        "f(x)=x^2+3*x-1;g(y)=y%7",
        "user_id,order_id,created_at,updated_at,total_cents",
    ] {
        for name in ["APP_SETTING", "UPSTREAM", "JAVA_TOOL_OPTIONS"] {
            assert!(
                literal_reason(name, setting).is_none(),
                "{name}={setting}: {:?}",
                literal_reason(name, setting)
            );
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A client-side token, in any case style, is issued to ship in browsers and apps and is
    /// public by design; a client's secret, key or access token under the same vendor is not.
    #[test]
    fn client_side_tokens_are_public_by_design(
        vendor in prop::sample::select(vec!["paddle", "datadog", "facebook", "rum", "orders"]),
        words in prop::sample::select(vec![vec!["client", "token"], vec!["client", "side", "token"], vec!["clientside", "token"]]),
        style in 0..9usize,
        value in material(),
    ) {
        let public: Vec<&str> = std::iter::once(vendor).chain(words.iter().copied()).collect();
        let name = styled(&public, style);
        prop_assert!(literal_reason(&name, &value).is_none(), "{name}={value}: {:?}", literal_reason(&name, &value));
        for secret in [vec![vendor, "client", "secret"], vec![vendor, "access", "token"], vec![vendor, "token"]] {
            let name = styled(&secret, style);
            prop_assert!(literal_reason(&name, &value).is_some(), "{name}={value}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A plain SSM parameter whose version an input sets (`/app/db-password:${Version}`) is
    /// still named by its path: a secret's name there makes it a secret.
    #[test]
    fn an_ssm_version_from_an_input_keeps_the_parameters_name(
        plain in plain_names(),
        secret_words in secret_words(),
        a in "[a-z]{3,10}",
    ) {
        let input = super::super::resolve::Unknown {
            what: "parameter `Version`".into(),
            origin: super::super::resolve::Origin::Input,
            may_wildcard: false,
            may_slash: false,
            max_len: Some(3),
            examples: Vec::new(),
                described_as_secret: false,
        };
        let reference = |name: &str| Resolved {
            parts: vec![
                Part::Text(format!("{{{{resolve:ssm:/{a}/{name}:")),
                Part::Unknown(input.clone()),
                Part::Text("}}".into()),
            ],
        };
        let secret = secret_words.join("-");
        prop_assert!(variable_reason(&plain, &reference(&secret)).is_some(), "{plain}=/{a}/{secret}:…");
        prop_assert!(variable_reason(&plain, &reference("feature-flags")).is_none(), "{plain}=/{a}/feature-flags:…");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A property word after a secret's name makes it a setting in the plural too
    /// (`SECRET_SCAN_PREFIXES`, `TOKEN_ISSUERS`): its value is no secret. Without it the name
    /// is a secret's.
    #[test]
    fn plural_property_words_name_settings(
        head in prop::sample::select(vec!["token", "secret", "password", "api_key"]),
        property in prop::sample::select(vec!["prefixes", "issuers", "headers", "templates", "rules", "providers", "scopes", "names"]),
        style in 0..9usize,
        value in prop::sample::select(vec!["ghp_,gho_,glpat-,xoxb-", "https://a.example.com,https://b.example.com", "x-api-key,authorization"]),
        pw in password(),
    ) {
        let setting: Vec<&str> = ["app"].into_iter().chain(head.split('_')).chain([property]).collect();
        let name = styled(&setting, style);
        prop_assert!(literal_reason(&name, value).is_none(), "{name}={value}: {:?}", literal_reason(&name, value));
        let secret: Vec<&str> = ["app"].into_iter().chain(head.split('_')).collect();
        let name = styled(&secret, style);
        prop_assert!(literal_reason(&name, &pw).is_some(), "{name}={pw}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// An SQL statement that creates, alters or sets a user with a literal password holds it,
    /// in PostgreSQL's, SQL Server's, MySQL's and Oracle's spellings, any case; a bind
    /// parameter, a placeholder, a stored hash or prose that mentions a password does not.
    #[test]
    fn sql_statements_setting_a_password_hold_it(
        pw in password(),
        user in "[a-z]{3,10}",
        form in 0..5usize,
        lower in any::<bool>(),
        name in plain_names(),
    ) {
        let statement = match form {
            0 => format!("CREATE USER {user} WITH PASSWORD '{pw}';"),
            1 => format!("ALTER ROLE {user} WITH ENCRYPTED PASSWORD '{pw}'"),
            2 => format!("CREATE LOGIN {user} WITH PASSWORD = '{pw}', CHECK_POLICY = ON;"),
            3 => format!("ALTER USER {user} IDENTIFIED BY {pw}"),
            _ => format!("SET PASSWORD FOR '{user}'@'%' = '{pw}'"),
        };
        let statement = if lower { statement.replace("PASSWORD", "password").replace("CREATE", "create") } else { statement };
        prop_assert!(literal_reason(&name, &statement).is_some(), "{name}={statement}");
        // A client running it: the command a Dockerfile's RUN keeps in the image's history.
        let command = format!("psql -h db -U postgres -c \"{}\"", statement.replace('\'', "''"));
        prop_assert!(super::command_reason(&command).is_some(), "{command}");
        for plain in [
            format!("CREATE USER {user} WITH PASSWORD :password"),
            format!("ALTER USER {user} IDENTIFIED BY VALUES 'S:8F2D0B3C'"),
            format!("CREATE USER {user} WITH PASSWORD '${{DB_PASSWORD}}'"),
            format!("Hi {user}, your password reset link: {{{{link}}}}"),
            format!("set the password for {user} in Secrets Manager"),
        ] {
            prop_assert!(literal_reason(&name, &plain).is_none(), "{name}={plain}: {:?}", literal_reason(&name, &plain));
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A value public by its own structure stays public under a name gitleaks reads as a
    /// key's (`SUPABASE_ANON_KEY="eyJ…"` matches its `jwt` rule with the name beside it):
    /// an anon-role JWT passes under any name, and the same JWT granting another role is found.
    #[test]
    fn public_by_structure_wins_over_a_rule_the_name_triggers(
        name in secret_names(),
        reference in "[a-z]{20}",
        iat in 1_600_000_000u64..1_800_000_000,
        signature in from_alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43..=43),
        other in prop::sample::select(vec!["service_role", "authenticated", "admin"]),
    ) {
        let url = |s: String| s.trim_end_matches('=').replace('+', "-").replace('/', "_");
        let header = url(b64(br#"{"alg":"HS256","typ":"JWT"}"#));
        let jwt = |role: &str| {
            let claims = format!(r#"{{"iss":"supabase","ref":"{reference}","role":"{role}","iat":{iat},"exp":{}}}"#, iat + 315_360_000);
            format!("{header}.{}.{signature}", url(b64(claims.as_bytes())))
        };
        for name in [name.as_str(), "SUPABASE_ANON_KEY", "NEXT_PUBLIC_SUPABASE_ANON_KEY"] {
            prop_assert_eq!(literal_reason(name, &jwt("anon")), None, "{}", name);
            prop_assert!(literal_reason(name, &jwt(other)).is_some(), "{} {}", name, other);
        }
    }
}

/// Key material of a length keys have in its encoding: hex of 128 to 512 bits, base64 and
/// base62 of 24 to 64 bytes.
fn key_of_a_key_length() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec![32usize, 40, 48, 64, 96])
            .prop_flat_map(|n| from_alphabet(b"0123456789abcdef", n..=n)),
        prop::sample::select(vec![32usize, 36, 40, 43, 44, 48, 64, 86])
            .prop_flat_map(|n| from_alphabet(BASE62, n..=n)),
        prop::sample::select(vec![32usize, 43, 86]).prop_flat_map(|n| from_alphabet(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            n..=n
        )),
    ]
    .boxed()
}

/// `value` cut into `k` pieces of nearly equal length.
fn cut(value: &str, k: usize) -> Vec<String> {
    let size = value.len() / k;
    (0..k)
        .map(|i| {
            let end = if i + 1 == k {
                value.len()
            } else {
                (i + 1) * size
            };
            value[i * size..end].to_owned()
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// A key cut into two to four pieces under sibling names — a name's words but the last in
    /// common, whatever the last (`RELAY_START` + `RELAY_REST`, `relayMain` +
    /// `relayRemainder`) — is found joined, in any declaration order.
    #[test]
    fn keys_cut_across_sibling_variables_are_found_whatever_the_last_word(
        key in key_of_a_key_length(),
        k in 2..=4usize,
        stem in "[a-z]{4,8}",
        lasts in prop::collection::vec("[a-z]{2,9}", 4),
        camel in any::<bool>(),
        reversed in any::<bool>(),
    ) {
        let pieces = cut(&key, k);
        // Missed by design, as settings' shapes: a piece under 8 characters or without a
        // digit, a number under 16 digits, base64 in one case of letters (an ID), or one
        // starting with a lowercase word and a separator (`prod-…`).
        prop_assume!(pieces.iter().all(|p| {
            let word = p.bytes().take_while(u8::is_ascii_lowercase).count();
            let hex = p.bytes().all(|b| b.is_ascii_hexdigit());
            let number = p.bytes().all(|b| b.is_ascii_digit());
            let mixed = p.bytes().any(|b| b.is_ascii_lowercase()) && p.bytes().any(|b| b.is_ascii_uppercase());
            p.len() >= 8
                && p.bytes().any(|b| b.is_ascii_digit())
                && (!number || p.len() >= 16)
                && (hex || mixed)
                && !(word >= 2 && p[word..].starts_with(['_', '-']))
        }));
        prop_assume!(!public_name(&stem) && !secret_name(&stem));
        let mut lasts = lasts[..k].to_vec();
        lasts.sort();
        lasts.dedup();
        prop_assume!(lasts.len() == k);
        let names: Vec<String> = lasts
            .iter()
            .map(|last| if camel {
                let mut c = last.chars();
                let head: String = c.next().map(|f| f.to_ascii_uppercase()).into_iter().chain(c).collect();
                format!("{stem}{head}")
            } else {
                format!("{}_{}", stem.to_ascii_uppercase(), last.to_ascii_uppercase())
            })
            .collect();
        // Names that say their value is whole (`RELAY_SID`) are none of a key's pieces.
        prop_assume!(names.iter().all(|n| !public_name(n) && !digest_name(n)));
        // Each piece clean alone, as the lint asks of the split rule.
        prop_assume!(names.iter().zip(&pieces).all(|(n, p)| literal_reason(n, p).is_none()));
        prop_assume!(literal_reason("RELAY", &key).is_some());
        let mut vars: Vec<(&str, String)> = names.iter().map(String::as_str).zip(pieces).collect();
        if reversed {
            vars.reverse();
        }
        // A last word that marks a part (`S`, `ONE`) may make a smaller group found first.
        let found = split::secrets(&vars);
        prop_assert!(!found.is_empty(), "{:?}", vars);
    }

    /// Sibling settings are not joined when their values together make no key's length
    /// (`EXPORTS_BUCKET` + `EXPORTS_PREFIX`), nor when a name says its value is whole: an
    /// identifier, a digest or a public key (`TRACE_ID_HIGH` + `TRACE_ID_LOW`, `REV_API` +
    /// `BUILD_SHA`-like names).
    #[test]
    fn siblings_are_joined_only_into_a_keys_length_and_never_under_whole_values_names(
        a in from_alphabet(BASE62, 8..=30),
        b in from_alphabet(BASE62, 8..=30),
        hex_a in from_alphabet(b"0123456789abcdef", 16..=16),
        hex_b in from_alphabet(b"0123456789abcdef", 16..=16),
        whole in prop::sample::select(vec![
            ("TRACE_ID_HIGH", "TRACE_ID_LOW"),
            ("CLIENT_ID_WEB", "CLIENT_ID_MOBILE"),
            ("ASSET_HASH_MAIN", "ASSET_HASH_VENDOR"),
            ("SIGNING_PUBLIC_KEY_X", "SIGNING_PUBLIC_KEY_Y"),
            ("SHARD_START_ID", "SHARD_END_ID"),
        ]),
    ) {
        let n = a.len() + b.len();
        prop_assume!(![32, 36, 40, 43, 44, 48, 64, 86, 88].contains(&n));
        let vars = [("EXPORTS_BUCKET", a), ("EXPORTS_PREFIX", b)];
        prop_assert!(split::secrets(&vars).is_empty(), "{:?}", vars);
        let vars = [(whole.0, hex_a), (whole.1, hex_b)];
        prop_assert!(split::secrets(&vars).is_empty(), "{:?}", vars);
    }
}

#[test]
fn the_ordinary_configuration_corpus_joins_no_siblings() {
    let corpus = include_str!("../../../tests/data/env_not_secrets.txt");
    let vars: Vec<(&str, String)> = corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('='))
        .map(|(n, v)| (n, v.replace("\\n", "\n")))
        .collect();
    // Every pair of its values that could be pieces, as siblings of one neutral stem.
    let fragments: Vec<&String> = vars
        .iter()
        .map(|(_, v)| v)
        .filter(|v| {
            v.len() >= 8
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/_-=".contains(&b))
        })
        .collect();
    let mut joined = Vec::new();
    for (i, a) in fragments.iter().enumerate() {
        for b in &fragments[i + 1..] {
            let pair = [("CFG_BUCKET", (*a).clone()), ("CFG_PREFIX", (*b).clone())];
            if pair.iter().all(|(n, v)| literal_reason(n, v).is_none())
                && !split::secrets(&pair).is_empty()
            {
                joined.push(format!("{a} + {b}"));
            }
        }
    }
    assert!(
        joined.is_empty(),
        "{} pairs joined:\n{}",
        joined.len(),
        joined.join("\n")
    );
}

proptest! {
    #![proptest_config(config())]

    /// A template language's expression (GitHub Actions' `${{ secrets.X }}`, Helm's
    /// `{{ .Values.x }}`, Jinja's `{{ x }}`) is a placeholder under any name and in a URL's
    /// password; a real token inside the braces is still found.
    #[test]
    fn template_expressions_are_placeholders_but_what_they_wrap_is_judged(
        name in secret_names(),
        path in prop::collection::vec(prop_oneof!["[a-z]{3,10}", "[A-Z]{2,10}(_[A-Z]{2,8}){0,2}", "[a-z]{3,8}[A-Z][a-z]{2,8}"], 1..4),
        form in 0..4usize,
        spaced in any::<bool>(),
        body in from_alphabet(BASE62, 36..=36),
    ) {
        let inner = path.join(".");
        let sp = if spaced { " " } else { "" };
        let expression = match form {
            0 => format!("${{{{{sp}secrets.{inner}{sp}}}}}"),
            1 => format!("{{{{{sp}.Values.{inner}{sp}}}}}"),
            2 => format!("{{{{{sp}{inner}{sp}}}}}"),
            _ => format!("${{{{{sp}vars.{inner}{sp}}}}}"),
        };
        prop_assert_eq!(literal_reason(&name, &expression), None, "{}={}", name, expression);
        let dsn = format!("postgres://app:{expression}@db.internal:5432/app");
        prop_assert_eq!(literal_reason("DATABASE_URL", &dsn), None, "{}", dsn);
        let wrapped = format!("${{{{ ghp_{body} }}}}");
        prop_assert!(literal_reason(&name, &wrapped).is_some(), "{}", wrapped);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A netrc line a command writes keeps its password in the command, however the shell
    /// quotes it; a variable or a command substitution there names where the password is.
    #[test]
    fn netrc_lines_in_commands_are_found_however_quoted(
        pw in password(),
        host in "[a-z]{3,10}\\.example\\.com",
        user in "[a-z]{2,8}",
        quote in prop::sample::select(vec!["", "\"", "'"]),
        program in prop::sample::select(vec!["echo", "echo -e", "printf '%s\\n'"]),
    ) {
        let line = format!("machine {host} login {user} password {pw}");
        let command = format!("{program} {quote}{line}{quote} > /root/.netrc && git clone https://{host}/app.git");
        prop_assert!(super::command_reason(&command).is_some(), "{}", command);
        for stand_in in ["$NETRC_PASSWORD", "${GIT_PASSWORD}"] {
            let plain = format!("{program} {quote}machine {host} login {user} password {stand_in}{quote} > /root/.netrc");
            prop_assert_eq!(super::command_reason(&plain), None, "{}", plain);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A URN names a thing (an OAuth grant or token type, a SAML audience): under a key's or a
    /// token's name it is a setting; under a password's name, or with a token inside, it is not.
    #[test]
    fn urns_are_names_under_any_name_but_a_passwords(
        nid in "[a-z][a-z0-9-]{1,12}",
        nss in prop::collection::vec("[a-z][a-z0-9-]{1,12}", 1..5),
        name in prop::sample::select(vec!["TOKEN_EXCHANGE_GRANT", "SAML_AUDIENCE_TOKEN", "API_KEY_TYPE", "SECRET_NAMESPACE", "CLIENT_ASSERTION_TYPE"]),
        body in from_alphabet(BASE62, 36..=36),
    ) {
        let urn = format!("urn:{nid}:{}", nss.join(":"));
        prop_assert_eq!(literal_reason(name, &urn), None, "{}={}", name, urn);
        prop_assert!(literal_reason("DB_PASSWORD", &urn).is_some(), "{}", urn);
        let token = format!("urn:{nid}:ghp_{body}");
        prop_assert!(literal_reason(name, &token).is_some(), "{}", token);
    }
}

proptest! {
    #![proptest_config(config())]

    /// `user:password` accounts, alone or listed, under a name that says its value is
    /// accounts are found; the same names holding stored hashes, roles, numeric IDs, host and
    /// port, placeholders or URLs are not.
    #[test]
    fn plain_text_accounts_are_found_under_account_names(
        name in prop::sample::select(vec!["BASIC_AUTH_USERS", "ADMIN_LOGIN", "MQTT_ACCOUNT", "htpasswdUsers", "DASHBOARD_MEMBERS", "proxyUsers"]),
        users in prop::collection::vec("(admin|ops|alice|bob|deploy|ci|svc-orders|grafana|sensor|j\\.doe)[0-9]{0,2}", 1..4),
        pws in prop::collection::vec(prop_oneof![
            from_alphabet(BASE62, 8..=24),
            ("[A-Z][a-z]{4,8}", "[0-9]{2,4}", "[!#%*]").prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        ], 3),
        uid in 1000..60000u32,
    ) {
        let accounts: Vec<String> = users.iter().zip(&pws).map(|(u, p)| format!("{u}:{p}")).collect();
        let value = accounts.join(",");
        // Random text that happens to be hex or words with a digit is an ID's shape.
        prop_assume!(pws.iter().take(users.len()).all(|p| {
            let alnum: Vec<u8> = p.bytes().filter(u8::is_ascii_alphanumeric).collect();
            p.bytes().any(|b| b.is_ascii_digit())
                && !p.bytes().all(|b| b.is_ascii_hexdigit())
                && (p.contains(['!', '#', '%', '*']) || super::values::word_coverage(&alnum) < 0.75)
        }));
        prop_assert!(literal_reason(name, &value).is_some(), "{}={}", name, value);
        let user = &users[0];
        for plain in [
            format!("{user}:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/"),
            format!("{user}:$2y$10$abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU"),
            format!("{user}:admin,ops:viewer"),
            format!("{uid}:{uid}"),
            format!("{user}:{uid}"),
            format!("auth.internal:{uid}"),
            format!("{user}:${{ADMIN_PASSWORD}}"),
            format!("https://{user}.example.com/login"),
            "us-west-2:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d".to_owned(),
            format!("{user}:v1.4.{uid}"),
            format!("{user}:2.0.{uid}-rc1"),
            format!("eu:eu-west-1_AbCdEfGh{}", uid % 10),
        ] {
            prop_assert_eq!(literal_reason(name, &plain), None, "{}={}", name, plain);
        }
        // A name whose last word is another thing's (a theme, a map) holds no accounts (its
        // value still judged by shape: 20 random characters or more are key material).
        for other in ["LOGIN_THEME", "USER_POOL_MAP", "ACCOUNT_REGIONS"] {
            if pws.iter().all(|p| p.len() < 20) {
                prop_assert_eq!(literal_reason(other, &value), None, "{}={}", other, value);
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Ciphertext by its own format is not a secret in plain text under any name, alone or as
    /// a field of a `.env` text: KMS blobs (Lambda's encryption helpers), AWS Encryption SDK
    /// messages, SOPS values, Ansible Vaults, age and OpenPGP messages. The same random bytes
    /// without the format's header are key material.
    #[test]
    fn ciphertext_by_its_format_is_not_a_plain_text_secret(
        name in secret_names(),
        body in prop::collection::vec(any::<u8>(), 80..300),
        form in 0..7usize,
        hex_lines in prop::collection::vec(from_alphabet(b"0123456789abcdef", 80..=80), 1..4),
        field in prop::sample::select(vec!["DB_PASSWORD", "API_TOKEN", "STRIPE_SECRET_KEY"]),
    ) {
        let with = |header: &[u8]| {
            let mut bytes = header.to_vec();
            bytes.extend(&body);
            b64(&bytes)
        };
        let armored = |label: &str| format!("-----BEGIN {label}-----\n{}\n-----END {label}-----", b64(&body));
        let value = match form {
            0 => with(&[0x01, 0x02, 0x02, 0x00, 0x78]),
            1 => with(&[0x01, 0x80, 0x03, 0x78]),
            2 => with(&[0x02, 0x05, 0x78]),
            3 => format!("ENC[AES256_GCM,data:{},iv:{},tag:{},type:str]", b64(&body[..32]), b64(&body[32..44]), b64(&body[44..60])),
            4 => format!("$ANSIBLE_VAULT;1.1;AES256\n{}", hex_lines.join("\n")),
            5 => armored("AGE ENCRYPTED FILE"),
            _ => armored("PGP MESSAGE"),
        };
        prop_assert_eq!(literal_reason(&name, &value), None, "{}={}", name, value);
        let env_file = format!("{field}={value}\nLOG_LEVEL=info");
        prop_assume!(!value.contains('\n'));
        prop_assert_eq!(literal_reason("APP_ENV", &env_file), None, "{}", env_file);
        prop_assert!(literal_reason("UPSTREAM", &b64(&body)).is_some(), "{}", b64(&body));
    }
}

proptest! {
    #![proptest_config(config())]

    /// A commit's hex that pins a version — an image's tag, a revision after `@`, a checksum
    /// file's line — is public under any plain name; the same hex as a password, a token's
    /// value or alone is key material.
    #[test]
    fn revisions_pinned_by_references_are_public(
        sha in prop_oneof![from_alphabet(b"0123456789abcdef", 40..=40), from_alphabet(b"0123456789abcdef", 64..=64)],
        registry in prop::sample::select(vec!["123456789012.dkr.ecr.us-west-2.amazonaws.com", "ghcr.io/acme", "docker.io/library", "localhost:5000/team", "public.ecr.aws/acme"]),
        repo in "[a-z][a-z0-9-]{2,12}",
        file in "[a-z][a-z0-9_-]{2,10}\\.(tar\\.gz|zip|json|bin)",
        name in plain_names(),
    ) {
        let digits = sha.bytes().filter(u8::is_ascii_digit).count();
        prop_assume!(super::super::secrets::entropy(&sha) >= 3.0 && digits > 0 && digits < sha.len());
        for public in [
            format!("{registry}/{repo}:{sha}"),
            format!("acme/{repo}@{sha}"),
            format!("git+https://github.com/acme/{repo}.git@{sha}"),
            format!("uses: actions/checkout@{sha}"),
            format!("{sha}  {file}"),
            format!("{sha} *{file}\n{sha}  {repo}.sig"),
        ] {
            prop_assert_eq!(literal_reason(&name, &public), None, "{}={}", name, public);
        }
        for secret in [
            format!("postgres://app:{sha}@db.internal:5432/app"),
            format!("token:{sha}"),
            format!("api_key={sha}"),
            sha.clone(),
        ] {
            prop_assert!(literal_reason(&name, &secret).is_some(), "{}={}", name, secret);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Prose that gives a credential word a value right after it leaks that credential, in
    /// the shapes a name would judge (a UUID, hex, letters and digits); a value that names the
    /// credential (`token ID`, `key name`) is no secret.
    #[test]
    fn a_value_prose_gives_a_credential_word_is_judged_as_that_credential(
        owner in prop::sample::select(&["FX provider", "Wise", "partner API", "ledger"][..]),
        word in prop::sample::select(&["token", "password", "secret", "key", "passphrase"][..]),
        link in prop::sample::select(&[", currently", " is", ":", " =", ""][..]),
        uuid in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        hex in "[0-9a-f]{32}",
        pick in any::<bool>(),
    ) {
        let value = if pick { &uuid } else { &hex };
        let leaked = format!("{owner} {word}{link} {value}");
        prop_assert!(prose_reason(&leaked).is_some(), "{leaked}");
        for named in [format!("{owner} {word} ID {uuid}"), format!("{owner} {word} name payouts/wise-2024-rotation")] {
            prop_assert!(prose_reason(&named).is_none(), "{named}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Under a name whose secret is generated (a signing's, an auth setting's, a cookie's), a
    /// signing or authorization scheme with its version (`sigv4`, `oauth2`) is a setting, as
    /// an algorithm's name is; generated material there is found.
    #[test]
    fn scheme_words_with_versions_are_settings_under_generated_names(
        name in prop::sample::select(vec!["REQUEST_SIGNING", "COOKIE_SIGNING", "AUTH", "UPSTREAM_AUTH", "SESSION_COOKIE"]),
        scheme in prop::sample::select(vec!["sigv4", "SigV4", "sigv4a", "sigv2", "s3v4", "oauth2", "OAuth1", "HS512"]),
        material in from_alphabet(BASE62, 24..=40),
    ) {
        prop_assert_eq!(literal_reason(name, scheme), None, "{}={}", name, scheme);
        prop_assert!(literal_reason(name, &material).is_some(), "{}={}", name, material);
    }
}

proptest! {
    #![proptest_config(config())]

    /// An algorithm's name composed the way libraries spell them — a construction over a
    /// digest (`hmac-sha256`, `RSA_SHA512`), a curve, a cipher with its key size and mode
    /// (`aes-256-gcm`, `AES128CBC`) — is a setting under a generated secret's name.
    #[test]
    fn composed_algorithm_names_are_settings_under_generated_names(
        name in prop::sample::select(vec!["UPSTREAM_AUTH", "WEBHOOK_SIGNING", "TOKEN_SIGNATURE", "SESSION_COOKIE", "HMAC"]),
        construction in prop::sample::select(vec!["hmac", "rsa", "ecdsa", ""]),
        digest in prop::sample::select(vec!["sha1", "sha256", "sha384", "sha512", "sha3-256", "md5"]),
        bits in prop::sample::select(vec!["128", "192", "256"]),
        mode in prop::sample::select(vec!["gcm", "cbc", "ctr", ""]),
        curve in prop::sample::select(vec!["ed25519", "X25519", "secp256k1", "P-256"]),
        separator in prop::sample::select(vec!["-", "_", ""]),
        upper in any::<bool>(),
        pick in 0..3u8,
    ) {
        let joined = |parts: &[&str]| {
            let v = parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(separator);
            if upper { v.to_ascii_uppercase() } else { v }
        };
        let value = match pick {
            0 => joined(&[construction, digest]),
            1 => joined(&["aes", bits, mode]),
            _ => joined(&[curve]),
        };
        prop_assert_eq!(literal_reason(name, &value), None, "{}={}", name, value);
    }
}

proptest! {
    #![proptest_config(config())]

    /// Prose describes a scheme by `key=value` whose value stands for one — an ellipsis, a
    /// flag in a code span, a formula over names, an unclosed `<placeholder>` — and none is a
    /// secret; the same sentence with key material in the value still is.
    #[test]
    fn stand_in_values_in_prose_are_not_secrets_and_material_still_is(
        key in prop::sample::select(vec!["sig", "signature", "X-Sig", "token", "REQUIRE_AUTH", "api_key", "secret"]),
        spacing in prop::sample::select(vec!["=", " = ", "="]),
        pick in 0..5u8,
        function in prop::sample::select(vec!["HMAC-SHA256", "hmac", "base64", "sha256_hex", "sign"]),
        args in prop::collection::vec(prop::sample::select(vec!["timestamp", "token", "secret", "body", "path", "exp", "hmac_sha256"]), 1..4),
        op in prop::sample::select(vec!["+", ", ", "|"]),
        m in material(),
    ) {
        let stand_in = match pick {
            0 => "…".to_owned(),
            1 => "...".to_owned(),
            2 => "true`".to_owned(),
            3 => format!("{function}({})", args.join(op)),
            _ => "<token>".to_owned(),
        };
        let sentence = |v: &str| {
            format!("Links carry `?exp=…&{key}{spacing}{v}`; the handler recomputes it and returns 403 otherwise.")
        };
        let described = sentence(&stand_in);
        prop_assert!(prose_reason(&described).is_none(), "{described}");
        let leaked = sentence(&m);
        prop_assert!(prose_reason(&leaked).is_some(), "{leaked}");
    }
}

fn uuid_of(h: &str) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

proptest! {
    #![proptest_config(config())]

    /// Feature-flag vendors' client-side keys are public by their vendors' docs, under any
    /// name, `CLIENT_KEY` and `MOBILE_KEY` included: LaunchDarkly's `mob-<uuid>`, Statsig's
    /// `client-…`, GrowthBook's `sdk-…`, DevCycle's `dvc_client_…`/`dvc_mobile_…`. Their
    /// server-side twins under the same names are secrets, and so is a TLS client's private
    /// key under `CLIENT_KEY`.
    #[test]
    fn vendor_client_keys_pass_and_their_server_twins_are_found(
        h in from_alphabet(b"0123456789abcdef", 32..=32),
        body in from_alphabet(BASE62, 20..=43),
        short in from_alphabet(BASE62, 8..=24),
        hash in from_alphabet(b"0123456789abcdef", 7..=7),
        name in prop::sample::select(&["CLIENT_KEY", "MOBILE_KEY", "LAUNCHDARKLY_MOBILE_KEY", "STATSIG_CLIENT_KEY", "GROWTHBOOK_CLIENT_KEY", "DEVCYCLE_CLIENT_SDK_KEY", "FLAGS_KEY", "SDK_KEY"][..]),
        key in prop::collection::vec(any::<u8>(), 32..=32),
    ) {
        let id = uuid_of(&h);
        let dvc = format!("{}_{hash}", id.replace('-', "_"));
        for public in [format!("mob-{id}"), format!("client-{body}"), format!("sdk-{short}"), format!("dvc_client_{dvc}"), format!("dvc_mobile_{dvc}")] {
            prop_assert!(literal_reason(name, &public).is_none(), "{name}={public}: {:?}", literal_reason(name, &public));
        }
        for secret in [format!("sdk-{id}"), format!("secret-{body}"), format!("dvc_server_{dvc}")] {
            prop_assert!(literal_reason(name, &secret).is_some(), "{name}={secret}");
        }
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----", b64(&key));
        prop_assert!(literal_reason(name, &pem).is_some(), "{name}={pem}");
    }

    /// Payment vendors' browser keys are public by their docs: Braintree's tokenization key
    /// and Adyen's client key, by prefix and shape; a server key of another shape behind the
    /// same prefix (Mollie's `live_` and 30 letters of both cases) is found.
    #[test]
    fn payment_vendors_browser_keys_pass_and_server_keys_are_found(
        merchant in from_alphabet(b"abcdefghijklmnopqrstuvwxyz0123456789", 8..=8),
        tokenization in from_alphabet(b"abcdefghijklmnopqrstuvwxyz0123456789", 16..=16),
        client in from_alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32..=32),
        server in from_alphabet(BASE62, 30..=30),
        environment in prop::sample::select(&[("production", "live"), ("sandbox", "test")][..]),
        name in prop::sample::select(&["BRAINTREE_TOKENIZATION_KEY", "ADYEN_CLIENT_KEY", "PAYMENTS_KEY", "CHECKOUT_KEY"][..]),
    ) {
        prop_assume!(server.bytes().any(|b| b.is_ascii_lowercase()) && server.bytes().any(|b| b.is_ascii_uppercase()));
        let (braintree, adyen) = environment;
        for public in [format!("{braintree}_{merchant}_{tokenization}"), format!("{adyen}_{client}")] {
            prop_assert!(literal_reason(name, &public).is_none(), "{name}={public}: {:?}", literal_reason(name, &public));
        }
        let mollie = format!("{adyen}_{server}");
        prop_assert!(literal_reason(name, &mollie).is_some(), "{name}={mollie}");
    }

    /// A Go checksum database's verifier key (`<name>+<hash>+<key>`) is public by its own
    /// structure, its hash the key's; the signer's key (`PRIVATE+KEY+…`) and a verifier-shaped
    /// key whose hash is not its own are material.
    #[test]
    fn go_checksum_database_verifier_keys_pass_and_signer_keys_are_found(
        host in "[a-z]{3,10}\\.[a-z]{2,8}\\.(org|dev|io|com)",
        key in prop::collection::vec(any::<u8>(), 32..=32),
        wrong in from_alphabet(b"0123456789abcdef", 8..=8),
        name in prop::sample::select(&["GOSUMDB", "GONOSUMDB_KEY", "SUMDB", "GOFLAGS_SUMDB"][..]),
    ) {
        use sha2::{Digest, Sha256};
        let mut k = vec![1u8];
        k.extend(&key);
        let d = Sha256::new().chain_update(host.as_bytes()).chain_update(b"\n").chain_update(&k).finalize();
        let hash = format!("{:02x}{:02x}{:02x}{:02x}", d[0], d[1], d[2], d[3]);
        let verifier = format!("{host}+{hash}+{}", b64(&k));
        prop_assert!(literal_reason(name, &verifier).is_none(), "{name}={verifier}: {:?}", literal_reason(name, &verifier));
        let with_url = format!("{verifier} https://{host}");
        prop_assert!(literal_reason(name, &with_url).is_none(), "{name}={with_url}");
        let signer = format!("PRIVATE+KEY+{host}+{hash}+{}", b64(&k));
        prop_assert!(literal_reason("SIGNER", &signer).is_some(), "{signer}");
        prop_assume!(wrong != hash);
        let forged = format!("{host}+{wrong}+{}", b64(&k));
        prop_assert!(literal_reason("SUMDB", &forged).is_some(), "{forged}");
    }

    /// A Tink keyset in JSON is judged by what it says each key is: public keys and keys held
    /// remotely pass, an encrypted keyset is ciphertext; symmetric and private key material is
    /// found, also labelled public when its type is a private key's.
    #[test]
    fn tink_keysets_are_judged_by_their_key_material_type(
        value in prop::collection::vec(any::<u8>(), 32..120),
        id in 1..u32::MAX,
        public_type in prop::sample::select(&["EcdsaPublicKey", "Ed25519PublicKey", "RsaSsaPssPublicKey", "HpkePublicKey"][..]),
        secret in prop::sample::select(&[("AesGcmKey", "SYMMETRIC"), ("HmacKey", "SYMMETRIC"), ("EcdsaPrivateKey", "ASYMMETRIC_PRIVATE"), ("Ed25519PrivateKey", "ASYMMETRIC_PUBLIC")][..]),
        name in prop::sample::select(&["TINK_KEYSET", "KEYSET", "VERIFY_KEYSET", "SIGNING_KEYS"][..]),
    ) {
        let keyset = |type_name: &str, material: &str| format!(
            r#"{{"primaryKeyId":{id},"key":[{{"keyData":{{"typeUrl":"type.googleapis.com/google.crypto.tink.{type_name}","value":"{}","keyMaterialType":"{material}"}},"status":"ENABLED","keyId":{id},"outputPrefixType":"TINK"}}]}}"#,
            b64(&value)
        );
        let public = keyset(public_type, "ASYMMETRIC_PUBLIC");
        prop_assert!(literal_reason(name, &public).is_none(), "{name}={public}: {:?}", literal_reason(name, &public));
        let encrypted = format!(
            r#"{{"encryptedKeyset":"{}","keysetInfo":{{"primaryKeyId":{id},"keyInfo":[{{"typeUrl":"type.googleapis.com/google.crypto.tink.AesGcmKey","status":"ENABLED","keyId":{id},"outputPrefixType":"TINK"}}]}}}}"#,
            b64(&value)
        );
        prop_assert!(literal_reason(name, &encrypted).is_none(), "{name}={encrypted}");
        let private = keyset(secret.0, secret.1);
        prop_assert!(literal_reason(name, &private).is_some(), "{name}={private}");
    }

    /// Every item of a public key list on one line is public (Nix's `trusted-public-keys`,
    /// `name:` and 32 bytes); a signing key's 64 bytes among them are found, and a field of
    /// its own on the same line is judged by its own key.
    #[test]
    fn every_key_of_a_public_key_list_is_public_and_a_signing_key_is_not(
        keys in prop::collection::vec(("[a-z]{3,8}(\\.[a-z]{3,8}){0,2}-[0-9]", prop::collection::vec(any::<u8>(), 32..=32)), 1..5),
        secret in prop::collection::vec(any::<u8>(), 64..=64),
        at in 0..5usize,
        field in prop::sample::select(&["trusted-public-keys", "extra-trusted-public-keys", "public_keys", "PublicKeys"][..]),
    ) {
        let items: Vec<String> = keys.iter().map(|(n, k)| format!("{n}:{}", b64(k))).collect();
        let line = format!("substituters = https://cache.nixos.org\n{field} = {}", items.join(" "));
        prop_assert!(literal_reason("NIX_CONFIG", &line).is_none(), "{line}: {:?}", literal_reason("NIX_CONFIG", &line));
        let mut with_secret = items.clone();
        with_secret.insert(at.min(items.len()), format!("acme-1:{}", b64(&secret)));
        let line = format!("{field} = {}", with_secret.join(" "));
        prop_assert!(literal_reason("NIX_CONFIG", &line).is_some(), "{line}");
        let two_fields = format!("{field} = {} signing_key = {}", items[0], b64(&secret[..32]));
        prop_assert!(literal_reason("NIX_CONFIG", &two_fields).is_some(), "{two_fields}");
    }

    /// A signify or minisign public key (`Ed`, a key ID, 32 bytes) is public under any name;
    /// their secret key files (`Ed`, a KDF's name, more) are found.
    #[test]
    fn signify_public_keys_pass_and_their_secret_keys_are_found(
        key in prop::collection::vec(any::<u8>(), 40..=40),
        rest in prop::collection::vec(any::<u8>(), 102..=102),
        name in prop::sample::select(&["MINISIGN_KEY", "SIGNIFY_PUBKEY", "RELEASE_KEY", "VERIFY"][..]),
    ) {
        let public = b64(&[b"Ed".to_vec(), key].concat());
        prop_assert!(literal_reason(name, &public).is_none(), "{name}={public}: {:?}", literal_reason(name, &public));
        let file = format!("untrusted comment: signify public key\n{public}");
        prop_assert!(literal_reason(name, &file).is_none(), "{name}={file}");
        let secret = b64(&[b"EdBK".to_vec(), rest].concat());
        prop_assert!(literal_reason("RELEASE_SIGNER", &secret).is_some(), "{secret}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// A variable named for digests, in the plural too, holds digests: hex alone or as a JSON
    /// map's values (`ASSET_HASHES={"app.js":"<sha256>"}`); a secret-named field in that map
    /// is still judged, and so is the same map under a plain name.
    #[test]
    fn digests_under_a_digests_name_pass_and_secrets_beside_them_do_not(
        files in prop::collection::vec(("[a-z]{3,10}\\.(js|css|graphql)", from_alphabet(b"0123456789abcdef", 64..=64)), 1..4),
        name in prop::sample::select(&["ASSET_HASHES", "PERSISTED_QUERY_HASHES", "BUNDLE_CHECKSUMS", "FILE_DIGESTS", "MODULE_SHAS"][..]),
        key in from_alphabet(b"0123456789abcdef", 64..=64),
    ) {
        let entries: Vec<String> = files.iter().map(|(f, h)| format!("\"{f}\":\"{h}\"")).collect();
        let map = format!("{{{}}}", entries.join(","));
        prop_assert!(literal_reason(name, &map).is_none(), "{name}={map}: {:?}", literal_reason(name, &map));
        prop_assert!(literal_reason(name, &files[0].1).is_none(), "{name}={}", files[0].1);
        let with_key = format!("{{{},\"api_key\":\"{key}\"}}", entries.join(","));
        prop_assert!(literal_reason(name, &with_key).is_some(), "{name}={with_key}");
        prop_assert!(literal_reason("SETTINGS", &map).is_some(), "SETTINGS={map}");
    }
}

proptest! {
    #![proptest_config(config())]

    /// Bundler reads a host's credentials from `BUNDLE_<HOST>` (`__` for each dot) as
    /// `user:password`: found; Bundler's other settings are not accounts.
    #[test]
    fn bundler_host_credentials_are_accounts(
        labels in prop::collection::vec("[a-z]{2,10}", 2..4),
        user in "[a-z][a-z0-9-]{1,12}",
        pw in from_alphabet(BASE62, 12..=32).prop_filter("letters and a digit", |p| p.bytes().any(|b| b.is_ascii_digit()) && p.bytes().any(|b| b.is_ascii_alphabetic())),
    ) {
        let name = format!("BUNDLE_{}", labels.join("__").to_uppercase());
        // A generated password with a symbol (without one, random letters may read as words).
        let value = format!("{user}:{pw}#");
        prop_assert!(literal_reason(&name, &value).is_some(), "{name}={value}");
        for (setting, ordinary) in [("BUNDLE_WITHOUT", "development:test"), ("BUNDLE_PATH", "vendor/bundle"), ("BUNDLE_JOBS", "4"), ("BUNDLE_MIRROR__RUBYGEMS__ORG", "https://gems.acme.dev")] {
            prop_assert!(literal_reason(setting, ordinary).is_none(), "{setting}={ordinary}");
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// A vendor's token that is a UUID after its documented prefix (LaunchDarkly's `sdk-`,
    /// Axiom's `xaat-`/`xapt-`) is found under any name; a UUID after a word of another kind
    /// (`order-`, `tenant-`, LaunchDarkly's public `mob-`) or inside a path stays an identifier.
    #[test]
    fn vendor_uuid_tokens_are_found_and_other_prefixed_uuids_are_identifiers(
        h in from_alphabet(b"0123456789abcdef", 32..=32),
        prefix in prop::sample::select(&["sdk-", "xaat-", "xapt-"][..]),
        other in prop::sample::select(&["order-", "tenant-", "mob-", "req-", "uploads/", "run-sdk-"][..]),
        name in prop::sample::select(&["LD_SDK", "AXIOM_INGEST", "FLAGS", "TELEMETRY", "UPSTREAM"][..]),
    ) {
        let id = uuid_of(&h);
        let token = format!("{prefix}{id}");
        prop_assert!(literal_reason(name, &token).is_some(), "{name}={token}");
        let header = format!("Authorization: Bearer {token}");
        prop_assert!(literal_reason(name, &header).is_some(), "{name}={header}");
        let ident = format!("{other}{id}");
        prop_assert!(literal_reason(name, &ident).is_none(), "{name}={ident}: {:?}", literal_reason(name, &ident));
    }
}

proptest! {
    #![proptest_config(config())]

    /// A secret's configuration (`GOOGLE_CREDENTIALS_CONFIG`, `TOKEN_CONFIGURATION`) is judged
    /// by what it holds: settings pass, a secret among them is found.
    #[test]
    fn a_secrets_configuration_is_judged_by_its_content(
        head in prop::sample::select(&["GOOGLE_CREDENTIALS", "TOKEN", "API_KEY", "DB_PASSWORD", "SECRET"][..]),
        tail in prop::sample::select(&["CONFIG", "CONFIGURATION", "Config"][..]),
        ttl in 60..86_400u32,
        host in "[a-z]{3,10}\\.[a-z]{3,8}\\.dev",
        m in from_alphabet(BASE62, 32..=48),
    ) {
        let name = format!("{head}_{tail}");
        let settings = format!(r#"{{"token_url":"https://{host}/oauth2/token","ttl":{ttl},"subject_token_type":"urn:ietf:params:oauth:token-type:jwt"}}"#);
        prop_assert!(literal_reason(&name, &settings).is_none(), "{name}={settings}: {:?}", literal_reason(&name, &settings));
        let with_secret = format!(r#"{{"token_url":"https://{host}/oauth2/token","client_secret":"{m}"}}"#);
        prop_assert!(literal_reason(&name, &with_secret).is_some(), "{name}={with_secret}");
        prop_assert!(literal_reason(&name, &m).is_some(), "{name}={m}");
    }
}

proptest! {
    #![proptest_config(Config::with_cases(256))]

    /// An HTTP header's name in Train-Case after a label (`GitHub webhook: X-Hub-Signature-256
    /// is verified …`) names where a credential travels: no secret, and no auth scheme whose
    /// next word is the credential. A secret after the same label is still one.
    #[test]
    fn a_header_name_after_a_label_is_no_secret(
        label in prop::sample::select(vec!["GitHub webhook", "Webhook secret", "API key", "Signature"]),
        header in prop::sample::select(vec![
            "X-Hub-Signature-256", "Stripe-Signature", "X-Shopify-Hmac-Sha256", "X-Api-Key",
            "X-Slack-Signature", "Linear-Signature",
        ]),
        secret in "[a-z0-9]{8}[A-Z][a-z0-9]{23}",
    ) {
        let prose = format!("{label}: {header} is verified with the shared secret; invalid signatures get 401.");
        prop_assert!(prose_reason(&prose).is_none(), "{prose}");
        let leaked = format!("{label}: {secret} is the value the handler compares.");
        prop_assert!(prose_reason(&leaked).is_some(), "{leaked}");
    }
}

/// How a point is written: base64url without padding (web push), base64, hex, `0x` and hex.
fn point_text(d: &[u8], form: usize) -> String {
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    match form % 4 {
        0 => b64(d)
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_"),
        1 => b64(d),
        2 => hex,
        _ => format!("0x{hex}"),
    }
}

proptest! {
    #![proptest_config(Config { cases: 32, ..config() })]

    /// A point on P-256 or secp256k1 is a public key under any name (web push's application
    /// server key, a wallet's public key) and in any of its encodings; the same bytes with
    /// `y` replaced by random bytes are key material.
    #[test]
    fn curve_points_are_public_keys_and_random_coordinates_are_not(
        limbs in proptest::array::uniform4(any::<u64>()),
        y in prop::collection::vec(any::<u8>(), 32),
        k1 in any::<bool>(),
        form in 0usize..4,
        name in prop::sample::select(vec![
            "WEB_PUSH_SERVER_KEY", "APPLICATION_SERVER_KEY", "VAPID_KEY", "PUSH_KEY",
            "SIGNER_KEY", "ORDERS_KEY", "KEY",
        ]),
    ) {
        let d = super::curve::tests::point(k1, limbs);
        prop_assert_eq!(literal_reason(name, &point_text(&d, form)), None);
        let mut random = d.clone();
        random[33..].copy_from_slice(&y);
        prop_assume!(random != d);
        prop_assert!(literal_reason(name, &point_text(&random, form)).is_some());
    }
}

proptest! {
    #![proptest_config(config())]

    /// Pusher's app key, Mixpanel's project token and Amplitude's API key are issued for
    /// browsers: in any case style, with words naming an app or a front end's build, their
    /// values pass; a word naming a secret or a server makes the secret twin.
    #[test]
    fn keys_vendors_issue_for_browsers_are_public_and_their_twins_are_not(
        vendor in 0usize..3,
        extra in prop::sample::subsequence(vec!["vite", "next", "react"], 0..=1),
        app in prop::sample::select(vec![None, Some("app"), Some("project"), Some("api")]),
        secret_word in prop::sample::select(vec!["secret", "server", "admin", "private", "service"]),
        style in 0usize..6,
        digits in "[0-9a-f]{32}",
    ) {
        let (name, key) = [("pusher", "key"), ("mixpanel", "token"), ("amplitude", "key")][vendor];
        let value = if vendor == 0 { &digits[..20] } else { digits.as_str() };
        let mut words: Vec<&str> = extra.clone();
        words.push(name);
        words.extend(app);
        words.push(key);
        let public = styled(&words, style);
        prop_assert!(public_name(&public), "{}", public);
        prop_assert_eq!(literal_reason(&public, value), None, "{}={}", public, value);
        let mut twin = words.clone();
        twin.insert(twin.len() - 1, secret_word);
        let twin = styled(&twin, style);
        prop_assert!(literal_reason(&twin, value).is_some(), "{}={}", twin, value);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A cookie set from a template (its value a placeholder or empty, its attributes RFC
    /// 6265's) is how a session is set, under a cookie's name or in a `Set-Cookie` header; a
    /// cookie whose value is key material is a session.
    #[test]
    fn a_cookie_template_is_no_session_and_a_cookie_of_material_is(
        header in prop::sample::select(vec!["", "Set-Cookie: ", "set-cookie: "]),
        cookie in prop::sample::select(vec!["sid", "__Host-sid", "session", "__Secure-auth", "connect.sid"]),
        placeholder in prop::sample::select(vec![
            "{session_id}", "${SESSION}", "{{ session }}", "%s", "<session>", "", "{0}", "__SESSION__",
        ]),
        attributes in prop::sample::subsequence(vec![
            "Path=/", "Domain=acme.dev", "Max-Age=3600", "Secure", "HttpOnly", "SameSite=Lax",
            "Expires=Wed, 21 Oct 2026 07:28:00 GMT", "Partitioned",
        ], 1..=4),
        name in prop::sample::select(vec!["SESSION_COOKIE", "AUTH_COOKIE", "COOKIE_TEMPLATE", "SET_COOKIE"]),
        secret in material(),
    ) {
        let template = format!("{header}{cookie}={placeholder}; {}", attributes.join("; "));
        prop_assert_eq!(literal_reason(name, &template), None, "{}={}", name, template);
        let session = format!("{header}{cookie}={secret}; {}", attributes.join("; "));
        prop_assert!(literal_reason(name, &session).is_some(), "{}={}", name, session);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A mailer DSN whose transport is an API (`<vendor>+api://KEY@default`) carries the API
    /// key as its user, whatever its shape; a placeholder there, or no user (the role's
    /// credentials, `ses+api://default`), is none.
    #[test]
    fn an_api_transports_user_is_its_key(
        vendor in prop::sample::select(vec!["postmark", "sendgrid", "brevo", "mailchimp", "resend", "mailersend", "infobip", "ses"]),
        key in prop_oneof![
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}",
            "[0-9a-f]{32}",
            "[A-Za-z0-9]{24,40}",
        ],
        placeholder in prop::sample::select(vec!["${POSTMARK_TOKEN}", "%MAILER_KEY%", "{{ mailer_key }}", "<api-key>", "$KEY"]),
        query in prop::sample::select(vec!["", "?region=us-west-2", "?message_stream=outbound"]),
    ) {
        let dsn = format!("{vendor}+api://{key}@default{query}");
        prop_assert!(literal_reason("MAILER_DSN", &dsn).is_some(), "{}", dsn);
        let templated = format!("{vendor}+api://{placeholder}@default{query}");
        prop_assert_eq!(literal_reason("MAILER_DSN", &templated), None, "{}", templated);
        let role = format!("{vendor}+api://default{query}");
        prop_assert_eq!(literal_reason("MAILER_DSN", &role), None, "{}", role);
    }

    /// A secret's setting held as a list (Keycloak's component configuration) is judged item
    /// by item; a list of words or of secrets' names under such a key is none.
    #[test]
    fn a_secrets_setting_held_as_a_list_is_judged_by_its_items(
        key in prop::sample::select(vec!["bindCredential", "password", "clientSecret", "secret", "apiKey"]),
        // Letters one at a time between digits no word is spelled with: no word forms.
        pw in "[a-z][2689][A-Z][2689][a-z][2689][!#*][A-Z][2689][a-z]",
        words in prop::sample::subsequence(vec!["read", "write", "admin", "orders", "billing"], 1..=3),
        names in prop::sample::subsequence(vec!["DB_PASSWORD", "API_TOKEN", "client_secret"], 1..=2),
    ) {
        let doc = serde_json::json!({"config": {"connectionUrl": ["ldaps://ldap.acme.internal:636"], key: [pw]}}).to_string();
        prop_assert!(literal_reason("KEYCLOAK_COMPONENT", &doc).is_some(), "{}", doc);
        let plain = serde_json::json!({"scopes": words, key: names}).to_string();
        prop_assert_eq!(literal_reason("APP_SETTINGS", &plain), None, "{}", plain);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A base64 digest in a field keyed by its algorithm (HPKP's and Expect-CT-era
    /// `pin-sha256="…"`) is public like SRI's `sha256-…`; the same field holding bytes of no
    /// digest's length is key material.
    #[test]
    fn a_digest_under_a_key_naming_its_algorithm_is_public(
        (algorithm, len) in prop::sample::select(vec![("sha256", 32usize), ("sha384", 48), ("sha512", 64), ("sha1", 20), ("md5", 16)]),
        prefix in prop::sample::select(vec!["pin-", "integrity_", "content.", "x-", ""]),
        bytes in prop::collection::vec(any::<u8>(), 64),
        odd in 33usize..=47,
        // RFC 7469 quotes the pin.
        quote in prop::sample::select(vec!["\""]),
        name in prop::sample::select(vec!["CERT_PIN", "PUBLIC_KEY_PINS", "PINS", "TLS_PINNING"]),
    ) {
        let pin = format!("{prefix}{algorithm}={quote}{}{quote}; max-age=5184000", b64(&bytes[..len]));
        prop_assert_eq!(literal_reason(name, &pin), None, "{}={}", name, pin);
        let key = format!("{prefix}{algorithm}={quote}{}{quote}; max-age=5184000", b64(&bytes[..odd]));
        prop_assert!(literal_reason(name, &key).is_some(), "{}={}", name, key);
        // A key after a path's `/` and words is a field's, not base64's tail.
        let shell = format!("/bin/sh -c PGPASSWORD={} exec psql", b64(&bytes[..odd]));
        prop_assert!(literal_reason("SHELL_LINE", &shell).is_some(), "{}", shell);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A secret-named field after a program's path (`SHELL ["/bin/sh", "-c", "PGPASSWORD=…
    /// exec …"]`, joined) is a field: a path ending in `/` is no base64 whose tail the key
    /// would be.
    #[test]
    fn a_secret_field_after_a_programs_path_is_found(
        program in prop::sample::select(vec!["/bin/sh -c", "/usr/bin/env", "/bin/bash -lc", "/usr/local/bin/entry"]),
        name in prop::sample::select(vec!["PGPASSWORD", "MYSQL_PWD", "DB_PASSWORD", "API_TOKEN", "REDIS_PASSWORD"]),
        secret in "([A-Z][a-z][0-9]){6,9}",
    ) {
        let command = format!("{program} {name}={secret} exec /bin/sh -c \"$0\"");
        prop_assert!(super::command_reason(&command).is_some(), "{}", command);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A token's or key's address (an ERC-20 token contract's, `0x` and 40 hex digits) says
    /// where it lives, as its URL does; the key itself, 64 hex digits, stays a secret.
    #[test]
    fn a_tokens_address_is_no_token(
        words in secret_words(),
        style in 0usize..6,
        address in "0x[0-9a-f]{40}",
        key in "[0-9a-f]{64}",
    ) {
        let mut with_address = words.clone();
        with_address.push("address");
        let name = styled(&with_address, style);
        prop_assert_eq!(literal_reason(&name, &address), None, "{}={}", name, address);
        let secret = styled(&words, style);
        prop_assert!(literal_reason(&secret, &format!("0x{key}")).is_some(), "{}", secret);
    }
}

proptest! {
    #![proptest_config(config())]

    /// A Redis ACL rule stores a password as `#<sha256>`, which is no password; `>password`
    /// adds one, and 64 hex digits after a `#` elsewhere (a link's fragment) are a key.
    #[test]
    fn a_redis_acl_rules_password_hash_is_no_password(
        verb in prop::sample::select(vec!["user", "ACL SETUSER"]),
        user in prop::sample::select(vec!["orders", "default", "healthcheck", "svc-billing"]),
        rules in prop::sample::subsequence(vec!["~orders:*", "&orders:*", "+@read", "-@dangerous", "resetchannels"], 1..=3),
        hash in "[0-9a-f]{64}",
        pw in "[a-z][2689][A-Z][2689][a-z][2689][!#*][A-Z][2689][a-z]",
    ) {
        let stored = format!("{verb} {user} on #{hash} {}", rules.join(" "));
        prop_assert_eq!(literal_reason("REDIS_ACL", &stored), None, "{}", stored);
        let plain = format!("{verb} {user} on >{pw} {}", rules.join(" "));
        prop_assert!(literal_reason("REDIS_ACL", &plain).is_some(), "{}", plain);
        let fragment = format!("https://share.acme.dev/f/{user}#{hash}");
        prop_assert!(literal_reason("SHARE_LINK", &fragment).is_some(), "{}", fragment);
    }
}

proptest! {
    #![proptest_config(config())]

    /// An address is given out to be paid or called: a Solana account's (Base58 of 32 bytes,
    /// a token's mint too) under an address's or mint's name is public; the same text under a
    /// secret's name, or none, is key material.
    #[test]
    fn an_address_is_public_and_the_same_text_under_a_key_is_not(
        bytes in prop::collection::vec(any::<u8>(), 32),
        first in prop::sample::select(vec!["usdc", "treasury", "fee_payer", "deposit", "program"]),
        last in prop::sample::select(vec!["address", "mint", "addr", "addresses"]),
        secret in prop::sample::select(vec!["SIGNER_KEY", "WALLET_SECRET", "SEED", "PAYER"]),
    ) {
        let text = base58(&bytes);
        prop_assume!(text.len() >= 40);
        let name = format!("{first}_{last}").to_ascii_uppercase();
        prop_assert_eq!(literal_reason(&name, &text), None, "{}={}", name, text);
        prop_assert!(literal_reason(secret, &text).is_some(), "{}={}", secret, text);
    }
}
