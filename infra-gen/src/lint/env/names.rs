//! Secret names in any case style: `DB_PASSWORD`, `dbPassword`, `db-password`, `db.password`,
//! `DBPASSWORD`, `xApiKey`, `Shared Access Key`.
//!
//! A name is split into words at separators and case changes; a word with no separator inside
//! (`dbpassword`, `secretkey`) is split again into the vocabulary below, reading from its end
//! (compounds are head-last: a db password is a password). The name is a secret's when its
//! head — the last secret word — is not qualified away: followed by a word that makes it a
//! property of the secret (`TOKEN_TTL`, `SECRET_ARN`, `PASSWORD_MIN_LENGTH`), a key that is a
//! data structure's (`PARTITION_KEY`, `S3_KEY`, `KMS_KEY`) or a public one (`PUBLIC_KEY`,
//! `STRIPE_PUBLISHABLE_KEY`).

use std::collections::HashSet;
use std::sync::OnceLock;

/// Words that name a secret wherever they stand in a name, unless a property word follows.
const STRONG: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pwd",
    "pass",
    // Abbreviations and misspellings names are written with.
    "pswd",
    "psw",
    "passw",
    "pword",
    "passwrd",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "creds",
    "cred",
    "mnemonic",
    "privkey",
    // A pre-shared key (WPA's, IPsec's).
    "psk",
    "apikey",
    "passkey",
    "passwords",
    "passwds",
    "pwds",
    "passphrases",
    "apikeys",
    "privkeys",
    "passkeys",
    "mnemonics",
    // "Secret" in Spanish, Portuguese, Italian and French (noun and adjective:
    // `CHAVE_SECRETA`, `SECRETO_CLIENTE`, `CLE_SECRETE`), German and Dutch, Polish.
    "secreto",
    "secrete",
    "secreta",
    "segredo",
    "segreto",
    "segreta",
    "geheimnis",
    "geheim",
    "sekret",
];

/// "Password" in other languages, as names are written in them: German, Portuguese, Spanish,
/// French, Dutch, Finnish, Swedish, Norwegian, Danish, Polish, Czech, Slovenian, Croatian and
/// Serbian, Hungarian, Turkish, Italian and Romanian, Latvian, Estonian, Lithuanian, Russian
/// and Ukrainian (transliterated), Chinese (pinyin), Indonesian (`kata sandi`) and Malay
/// (`kata laluan`), Vietnamese. Strong
/// words that name a password; a phrase (`mot de passe`, `kata sandi`) is one word however its
/// words are separated (see [`pieces`]).
const PASSWORD_ELSEWHERE: &[&str] = &[
    "passwort",
    "kennwort",
    "senha",
    "contrasena",
    "motdepasse",
    "wachtwoord",
    "salasana",
    "losenord",
    "passord",
    "adgangskode",
    "kodeord",
    "haslo",
    "heslo",
    "geslo",
    "lozinka",
    "jelszo",
    "sifre",
    "parola",
    "parole",
    "parool",
    "salasona",
    "slaptazodis",
    "parol",
    "mima",
    "katasandi",
    "katalaluan",
    "matkhau",
    // Spanish's and Catalan's other words, French's abbreviation (`BDD_MDP`), Basque,
    // Afrikaans, Icelandic, Albanian.
    "clave",
    "contrasenya",
    "mdp",
    "pasahitza",
    "wagwoord",
    "lykilord",
    "fjalekalim",
];

/// Head words naming a password a person or a system chose: digits alone are one (a PIN).
const PASSWORD: &[&str] = &[
    "password",
    "passwd",
    "pswd",
    "psw",
    "passw",
    "pword",
    "passwrd",
    "pwd",
    "pass",
    "pw",
    "passphrase",
    "passcode",
    "passwords",
];

/// Words that name a secret only as the last word: `BASIC_AUTH`, `SESSION_COOKIE`, `HASH_SALT`
/// hold one, `AUTH_REALM`, `COOKIE_DOMAIN` do not.
const WEAK: &[&str] = &[
    "pw",
    "auth",
    "authorization",
    "bearer",
    "cookie",
    "salt",
    "pepper",
    "signature",
    "sig",
    // What signs (`COOKIE_SIGNING`, `WEBHOOK_SIGNING`), the key itself when it is a value.
    "signing",
    "webhook",
    "hmac",
    "otp",
    "totp",
    "cookies",
    "salts",
    "signatures",
    "sigs",
    "webhooks",
    // A TOTP or wallet seed; `RANDOM_SEED=42` is a number, judged as one.
    "seed",
    "seeds",
    // An SNMP community string, its shared password.
    "community",
];

/// `key` and `keys`: a secret unless it names a data structure's key (below).
const KEY: &[&str] = &[
    "key",
    "keys", // Portuguese, Spanish, Italian, French, German, Dutch, Polish, Swedish, Turkish.
    "chave",
    "llave",
    "chiave",
    "cle",
    "clef",
    "schluessel",
    "sleutel",
    "klucz",
    "nyckel",
    "anahtar",
];

/// What a key is when it is not a secret: a record's, an object's, a cache's, a public key,
/// or a KMS key (whose material never leaves KMS; the variable holds its ID or ARN).
const DATA_KEY: &[&str] = &[
    "s3",
    "object",
    "cache",
    "partition",
    "sort",
    "primary",
    "foreign",
    "hash",
    "range",
    "idempotency",
    "dedup",
    "deduplication",
    "routing",
    "bucket",
    "file",
    "lookup",
    "map",
    "translation",
    "i18n",
    "composite",
    "unique",
    "index",
    "row",
    "column",
    "metadata",
    "message",
    "event",
    "record",
    "item",
    "cursor",
    "pagination",
    "page",
    "shard",
    "sequence",
    "group",
    "kms",
    "cmk",
    "hot",
    "short",
    "shortcut",
    "public",
    "publishable",
    "pub",
    "config",
    "setting",
    "settings",
    "feature",
    "redis",
    "ssm",
    "param",
    "parameter",
    "table",
    "json",
    "dictionary",
    "dict",
    "sk",
    "pk",
    "site",
    "gsi",
    "lsi",
    // `GenerateStringKey`: the JSON key a generated string goes under.
    "string",
    // Sentry's client key is its DSN's public key, which Sentry documents as public.
    "sentry",
    // Application Insights' instrumentation key names the resource telemetry goes to; Microsoft
    // documents it (and the connection string holding it) as no secret.
    "instrumentation",
];

/// Words that make a key public: public keys, publishable keys, CAPTCHA site keys.
const PUBLIC: &[&str] = &["public", "publishable", "pub", "site"];

/// Words that, following a secret word, make the name a property of the secret: where it
/// is, what identifies it, how long it lives, how it is checked.
const PROPERTY: &[&str] = &[
    // How a secret is handled, not the secret: `PASSWORD_HASHER`, `TOKEN_USE`.
    "hasher",
    "encoder",
    // The program that stores or fetches it (git's `credential.helper`, Docker's `credHelpers`).
    "helper",
    "helpers",
    "use",
    "id",
    "ids",
    // A JSON Web Key's ID.
    "kid",
    "kids",
    "arn",
    "arns",
    "name",
    "names",
    "url",
    "uri",
    // Where a token or key lives (a token contract's `USDC_TOKEN_ADDRESS`), like its URL.
    "address",
    "addresses",
    "addr",
    "urls",
    "uris",
    "endpoint",
    "endpoints",
    "host",
    "hostname",
    "domain",
    "port",
    "ttl",
    // How a token is renewed (`TOKEN_REFRESH=eager`); a refresh token puts it first.
    "refresh",
    "length",
    "len",
    "min",
    "max",
    "minimum",
    "maximum",
    "size",
    "count",
    "path",
    "dir",
    "directory",
    "file",
    "filename",
    "location",
    "prefix",
    "suffix",
    "header",
    "headers",
    "type",
    "kind",
    "algorithm",
    "alg",
    "algo",
    "version",
    "enabled",
    "enable",
    "disabled",
    "disable",
    "required",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "duration",
    "timeout",
    "age",
    "seconds",
    "secs",
    "minutes",
    "mins",
    "hours",
    "days",
    "ms",
    "rotation",
    "policy",
    "region",
    "bucket",
    "table",
    "param",
    "parameter",
    "field",
    "env",
    "var",
    "variable",
    "format",
    "mode",
    "pattern",
    "regex",
    "scope",
    "scopes",
    "audience",
    "aud",
    "issuer",
    "iss",
    "provider",
    "store",
    "manager",
    "ref",
    "limit",
    "limits",
    "interval",
    "retries",
    "label",
    "tag",
    "source",
    "strategy",
    "rounds",
    "cost",
    "iterations",
    "complexity",
    "strength",
    "hint",
    "level",
    "vault",
    "backend",
    "encoding",
    "charset",
    "usage",
    "validity",
    "lifespan",
    "window",
    "period",
    "rate",
    "quota",
    "threshold",
    "template",
    // How the secret is configured (`GOOGLE_CREDENTIALS_CONFIG`: workload identity federation's
    // credential configuration file, which names where a token comes from): judged by content.
    "config",
    "configuration",
    "user",
    "username",
    "login",
    "email",
    "owner",
    "realm",
    "mount",
    "engine",
    "service",
    "schema",
    "spec",
    "rule",
    "rules",
    "check",
    "validation",
    "generator",
    "budget",
    "sharing",
    "placeholder",
    "alias",
    // What a server stores instead of the secret: `ADMIN_PASSWORD_HASH`, `TOKEN_DIGEST`.
    "hash",
    "hashed",
    "digest",
    "checksum",
    "fingerprint",
    "thumbprint",
    // An EC2 key pair's name (`EC2_KEY_PAIR`), as `KeyName` gives it.
    "pair",
    "pairs",
    // When it was set or changed: `DB_PASSWORD_ROTATED_AT`, `TOKEN_ISSUED_DATE`.
    "rotated",
    "created",
    "updated",
    "changed",
    "issued",
    "at",
    "date",
    "time",
    "timestamp",
    "since",
];

/// Words that qualify a secret word glued to them (`dbpassword`, `xapikey`, `adminpass`).
const QUALIFIER: &[&str] = &[
    // Networks whose keys and community strings people choose.
    "wifi",
    "wpa",
    "wpa2",
    "ipsec",
    "vpn",
    "snmp",
    "api",
    "private",
    "priv",
    "secret",
    "access",
    "signing",
    "sign",
    "encryption",
    "encrypt",
    "enc",
    "master",
    "client",
    // A client-side token (`CLIENTSIDETOKEN`), public by design.
    "side",
    "app",
    "application",
    "auth",
    "license",
    "licence",
    "account",
    "shared",
    "service",
    "session",
    "crypto",
    "cipher",
    "aes",
    "rsa",
    "hmac",
    "jwt",
    "admin",
    "root",
    "user",
    "db",
    "database",
    "storage",
    "sas",
    "subscription",
    "deploy",
    "ssh",
    "gpg",
    "pgp",
    "consumer",
    "bot",
    "x",
    "my",
    "refresh",
    "id",
    "oauth",
    "oauth2",
    "bearer",
    "basic",
    "http",
    "proxy",
    "smtp",
    "mail",
    "email",
    "ftp",
    "ldap",
    "mysql",
    "postgres",
    "pg",
    "mongo",
    "mongodb",
    "sql",
    "rds",
    "github",
    "gitlab",
    "slack",
    "stripe",
    "openai",
    "anthropic",
    "twilio",
    "sendgrid",
    "mailgun",
    "aws",
    "gcp",
    "azure",
    "google",
    "sentry",
    "npm",
    "pypi",
    "docker",
    "registry",
    "integration",
    "partner",
    "server",
    "write",
    "read",
    "live",
    "test",
    "prod",
    "dev",
    "personal",
    "machine",
    "device",
    "tenant",
    "project",
    "org",
    "team",
    "rest",
    "sdk",
    "ingest",
    "secure",
    "system",
    "super",
    "web",
    "login",
    "backup",
    "cookie",
    "csrf",
    "xsrf",
    "hash",
    "salt",
    "signature",
    "webhook",
    "pass",
    "key",
    "wallet",
    // keytool's `-srcstorepass`, `-deststorepass`; Redis's `requirepass`.
    "src",
    "dest",
    "require",
];

/// "Length" in Spanish, French, German, Italian and Portuguese: a setting of the secret
/// wherever it stands, as those languages put it before (`LONGUEUR_MDP`) or after
/// (`CLAVE_LONGITUD`) the word it qualifies.
const LENGTH_ELSEWHERE: &[&str] = &["longitud", "longueur", "laenge", "lunghezza", "comprimento"];

fn is(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

/// Whether `word` is in the vocabulary; looked up for every tail of every word of a name.
fn known(word: &str) -> bool {
    static VOCABULARY: OnceLock<HashSet<&'static str>> = OnceLock::new();
    VOCABULARY
        .get_or_init(|| {
            [
                STRONG,
                PASSWORD_ELSEWHERE,
                WEAK,
                KEY,
                DATA_KEY,
                PROPERTY,
                QUALIFIER,
                LENGTH_ELSEWHERE,
            ]
            .iter()
            .flat_map(|l| l.iter().copied())
            .collect()
        })
        .contains(word)
}

/// The words of `name`, lower case: separators and case changes split it (`APIKey` is
/// `api key`), digits stay with the letters before them (`s3`, `oauth2`).
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A word glued from vocabulary words, split back (`dbpassword` → `db password`), or the
/// word itself when it is not: `monkey` stays one word, and is no key. A secret word at
/// the end of an unknown one (`mailguntoken`) is split off too.
fn split_glued(word: &str, out: &mut Vec<String>) {
    if known(word) {
        out.push(word.to_owned());
        return;
    }
    // A number glued to vocabulary indexes it (`password2`, `SMTPPASSWORD1`); a word whose
    // digits are part of its name (`md5`, `x509`) is no vocabulary without them and stays.
    let stem = word.trim_end_matches(|c: char| c.is_ascii_digit());
    if !stem.is_empty() && stem.len() < word.len() {
        let mut parts = Vec::new();
        split_glued(stem, &mut parts);
        if parts.iter().any(|p| known(p)) {
            out.extend(parts);
            return;
        }
    }
    if let Some(parts) = segment(word) {
        out.extend(parts);
        return;
    }
    if let Some(parts) = spelled_with_digits(word) {
        out.extend(parts);
        return;
    }
    // A password's abbreviation no word ends in (`pw`, `pwd`, `psw`, `pswd`) glued after a
    // word of three letters or more is split off too (nslcd's `bindpw`, `ROOTPWD`).
    let strong_tail = STRONG
        .iter()
        .chain(PASSWORD_ELSEWHERE)
        .filter(|s| s.len() >= 5 && word.len() > s.len() && word.ends_with(*s))
        .max_by_key(|s| s.len())
        .or_else(|| {
            ["pswd", "pwd", "psw", "pw"]
                .iter()
                .find(|s| word.len() >= s.len() + 3 && word.ends_with(*s))
        });
    match strong_tail {
        Some(tail) => {
            // Vocabulary before the secret word is split off too (`paddleclientsidetoken`:
            // `paddle client side token`), the unknown rest kept whole.
            let head = &word[..word.len() - tail.len()];
            let known_tail = (1..head.len())
                .filter(|&at| head.is_char_boundary(at))
                .find_map(|at| segment(&head[at..]).map(|parts| (at, parts)));
            match known_tail {
                Some((at, parts)) => {
                    out.push(head[..at].to_owned());
                    out.extend(parts);
                }
                None => out.push(head.to_owned()),
            }
            out.push((*tail).to_owned());
        }
        None => out.push(word.to_owned()),
    }
}

/// A word with digits for letters (`s3cret`, `t0ken`, `pa55word`) as the vocabulary words it
/// spells, when a secret word is among them; `s3`, `ec2`, `x509` spell none.
fn spelled_with_digits(word: &str) -> Option<Vec<String>> {
    if !word.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let spelled: String = word
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect();
    segment(&spelled).filter(|parts| {
        parts
            .iter()
            .any(|w| is(STRONG, w) || is(PASSWORD_ELSEWHERE, w) || is(KEY, w))
    })
}

/// `word` as a sequence of vocabulary words, preferring the longest last word.
fn segment(word: &str) -> Option<Vec<String>> {
    if word.is_empty() {
        return Some(Vec::new());
    }
    for start in 0..word.len() {
        if !word.is_char_boundary(start) {
            continue;
        }
        let tail = &word[start..];
        if known(tail)
            && let Some(mut head) = segment(&word[..start])
        {
            head.push(tail.to_owned());
            return Some(head);
        }
    }
    None
}

/// The words of `name`, with glued words split into vocabulary words and a password's name
/// of another language written as a phrase (`MOT_DE_PASSE`, `kataSandi`) joined into one.
pub(crate) fn pieces(name: &str) -> Vec<String> {
    let mut split = Vec::new();
    let words = words(name);
    let mut i = 0;
    while i < words.len() {
        // A digit ends a word (`S3Bucket`), so one spelled with digits in capitals is cut
        // there (`S3CRET` reads `s3 cret`, `PA5SPHRA5E` `pa5 sphra5 e`): read whole again,
        // longest first, when that spells a secret word.
        let mut end = i + 1;
        while end < words.len() && words[end - 1].ends_with(|c: char| c.is_ascii_digit()) {
            end += 1;
        }
        let joined = (i + 2..=end)
            .rev()
            .find_map(|e| spelled_with_digits(&words[i..e].concat()).map(|parts| (e, parts)));
        match joined {
            Some((e, parts)) => {
                split.extend(parts);
                i = e;
            }
            None => {
                split_glued(&words[i], &mut split);
                i += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(split.len());
    let mut i = 0;
    while i < split.len() {
        let phrase = (2..=3).rev().find_map(|n| {
            let joined = split.get(i..i + n)?.concat();
            is(PASSWORD_ELSEWHERE, &joined).then_some((n, joined))
        });
        let (n, word) = phrase.unwrap_or_else(|| (1, split[i].clone()));
        out.push(word);
        i += n;
    }
    out
}

/// Whether `name` names a secret (see the module comment).
pub(crate) fn secret_name(name: &str) -> bool {
    secret_pieces(&pieces(name))
}

fn secret_pieces(pieces: &[String]) -> bool {
    classify(pieces) == Kind::Secret
}

#[derive(PartialEq, Eq)]
enum Kind {
    /// No secret word, or one a property word follows.
    Plain,
    /// A secret word its vendor documents as public (`STRIPE_PUBLISHABLE_KEY`).
    Public,
    Secret,
}

/// The last secret word of a name and its place: what the name is about.
fn head(pieces: &[String]) -> Option<(usize, &str)> {
    let last = pieces.len().saturating_sub(1);
    pieces
        .iter()
        .enumerate()
        .rev()
        .map(|(i, w)| (i, w.as_str()))
        .find(|(i, w)| {
            is(STRONG, w)
                || is(PASSWORD_ELSEWHERE, w)
                || (is(WEAK, w) && *i == last)
                || (is(KEY, w) && !(*i > 0 && is(DATA_KEY, &pieces[i - 1])))
        })
}

/// Whether `name` names what is generated material when it is a credential: a key by the
/// bare word (`ENCRYPTION_KEY`, `THEME_KEY`), an auth setting, a cookie, a signature, an HMAC,
/// a webhook — never a word a person chose, as a password, secret, token or seed may be, or
/// a key or an auth setting qualified as a credential (`SECRET_KEY`, `API_KEY`, `BASIC_AUTH`).
pub(crate) fn generated_name(name: &str) -> bool {
    const GENERATED: &[&str] = &[
        "auth",
        "authorization",
        "cookie",
        "cookies",
        "signature",
        "signatures",
        "sig",
        "sigs",
        "signing",
        "hmac",
        "webhook",
        "webhooks",
    ];
    let pieces = pieces(name);
    // Unless a word before says whose secret it is (`SECRET_KEY`, `BASIC_AUTH`), which a
    // person may have chosen (`SECRET_KEY=supersecret`).
    classify(&pieces) == Kind::Secret
        && head(&pieces).is_some_and(|(at, w)| {
            let chosen = is(KEY, w) || w == "auth" || w == "authorization";
            (is(KEY, w) || is(GENERATED, w))
                && !(chosen
                    && pieces[..at]
                        .last()
                        .is_some_and(|q| is(QUALIFIER, q) || is(STRONG, q)))
        })
}

/// Whether `name` names a salt or seed that keys no authentication: a feature flag's or an
/// experiment's bucketing salt (`EXPERIMENT_BUCKET_SALT`, a rule's `seed`) partitions users,
/// and whoever reads it learns only which bucket a user falls in. A salt a word before says
/// keys a login, a session, a cookie, a signature or a password (WordPress' `AUTH_SALT`,
/// `LOGGED_IN_SALT`, `NONCE_SALT`, Flask-Security's `PASSWORD_SALT`, Phoenix's
/// `SIGNING_SALT`) is a key by another name.
pub(crate) fn unkeyed_salt_name(name: &str) -> bool {
    const KEYING: &[&str] = &[
        "auth",
        "authorization",
        "authentication",
        "cookie",
        "cookies",
        "session",
        "sessions",
        "login",
        "logged",
        "nonce",
        "secure",
        "signing",
        "signature",
        "csrf",
        "xsrf",
        "hmac",
        "jwt",
        "api",
        "encryption",
        "crypt",
        "crypto",
        "cipher",
        "pbkdf2",
        "wallet",
        "mnemonic",
        "totp",
        "otp",
        "mfa",
    ];
    let pieces = pieces(name);
    let Some((last, before)) = pieces.split_last() else {
        return false;
    };
    is(&["salt", "salts", "seed", "seeds"], last)
        && !before.iter().any(|w| {
            is(KEYING, w)
                || is(STRONG, w)
                || is(PASSWORD, w)
                || is(PASSWORD_ELSEWHERE, w)
                || is(KEY, w)
        })
}

/// Whether `name` names credentials as a document (`GOOGLE_CREDENTIALS`, `DB_CREDS`), which
/// may be a configuration saying where credentials come from — unlike a password, a secret, a
/// token or a key, which is one value.
pub(crate) fn credentials_name(name: &str) -> bool {
    let pieces = pieces(name);
    classify(&pieces) == Kind::Secret
        && head(&pieces)
            .is_some_and(|(_, w)| is(&["credentials", "credential", "creds", "cred"], w))
}

/// `name` without its last word when that says the value is encoded (`…_B64`, `…_BASE64`,
/// `…Encoded`): the name of what it decodes to.
pub(crate) fn without_encoding(name: &str) -> Option<String> {
    let mut words = words(name);
    let last = words.pop()?;
    (["b64", "base64", "encoded", "b64encoded"].contains(&last.to_ascii_lowercase().as_str())
        && !words.is_empty())
    .then(|| words.join("_"))
}

/// Whether `name` names a password (`SMTP_PASSWORD`, `ORACLE_PWD`), under which digits alone
/// are the password rather than a setting.
pub(crate) fn password_name(name: &str) -> bool {
    let pieces = pieces(name);
    classify(&pieces) == Kind::Secret
        && head(&pieces).is_some_and(|(_, w)| is(PASSWORD, w) || is(PASSWORD_ELSEWHERE, w))
}

/// Whether `name` names a personal identification number (`SIM_PIN`, `ADMIN_PIN_CODE`,
/// `PINCODE`): its last word `pin`, or `pin` then `code`/`number`. Not a pin of a board
/// (`GPIO_PIN=17`) or a certificate pin (`TLS_PIN=sha256/…`): the caller asks for a PIN's
/// digits.
pub(crate) fn pin_name(name: &str) -> bool {
    let words = words(name);
    match words.as_slice() {
        [.., last] if last == "pin" || last == "pincode" => true,
        [.., pin, tail] => pin == "pin" && matches!(tail.as_str(), "code" | "number" | "no"),
        _ => false,
    }
}

fn classify(pieces: &[String]) -> Kind {
    let Some((at, word)) = head(pieces) else {
        return Kind::Plain;
    };
    // A KMS key's ID or an object key's prefix; a public key; a token's lifetime; the key a
    // store keeps the secret under (`SECRET_JSON_KEY`, `TOKEN_CACHE_KEY`).
    const STORE: &[&str] = &[
        "json",
        "dict",
        "dictionary",
        "map",
        "lookup",
        "cache",
        "redis",
        "s3",
        "object",
        "bucket",
        "file",
        "ssm",
        "param",
        "parameter",
        "table",
        "config",
        "setting",
        "settings",
        "metadata",
        "record",
        "item",
        "row",
        "column",
        "string",
    ];
    // A property word in the plural too (`SECRET_SCAN_PREFIXES`, `TOKEN_ISSUERS`).
    let property = |w: &String| {
        is(PROPERTY, w)
            || [w.strip_suffix("es"), w.strip_suffix('s')]
                .into_iter()
                .flatten()
                .any(|singular| is(PROPERTY, singular))
    };
    let property_after = pieces[at + 1..].iter().any(property)
        || pieces.iter().any(|w| is(LENGTH_ELSEWHERE, w))
        || pieces[at + 1..]
            .windows(2)
            .any(|w| is(STORE, &w[0]) && is(KEY, &w[1]));
    // Keys vendors document as public: publishable keys, CAPTCHA site keys, Algolia's
    // search-only key.
    // Firebase's API keys identify a project to Google and are public by Firebase's docs.
    // A client-side token is issued to ship in browsers and apps (Datadog's, Paddle's,
    // Facebook's): public like a publishable key.
    let before = &pieces[..at];
    // A browser's or a front end's token or key is shipped in pages (Unleash's front-end
    // tokens, New Relic's browser key).
    let client_side = (word.starts_with("token")
        && (before
            .last()
            .is_some_and(|w| w == "client" || w == "clientside")
            || before.ends_with(&["client".to_owned(), "side".to_owned()])))
        || ((word.starts_with("token") || is(KEY, word))
            && before
                .last()
                .is_some_and(|w| w == "browser" || w == "frontend"));
    let public_before = before.iter().any(|w| is(PUBLIC, w))
        || client_side
        || vendor_client_key(pieces, word)
        || (pieces.iter().any(|w| w == "algolia") && pieces.iter().any(|w| w == "search"))
        || (pieces.iter().any(|w| w == "firebase") && is(KEY, word));
    match (property_after, public_before) {
        (true, _) => Kind::Plain,
        (false, true) => Kind::Public,
        (false, false) => Kind::Secret,
    }
}

/// Keys their vendors issue for browsers and apps, documented as public: Pusher's app key
/// (Channels clients connect with it), Mixpanel's project token, Amplitude's API key (their
/// browser SDKs send it with every event). Only the vendor's name, the key's word and words
/// naming an app, a project or a front end's build (`VITE_PUSHER_APP_KEY`) stand beside it:
/// their secrets take other words (`PUSHER_APP_SECRET`, `AMPLITUDE_SECRET_KEY`,
/// `MIXPANEL_SERVICE_ACCOUNT_SECRET`), and Laravel's `APP_KEY` names no vendor.
const VENDOR_CLIENT_KEYS: &[(&str, &str)] = &[
    ("pusher", "key"),
    ("mixpanel", "token"),
    ("amplitude", "key"),
];
const FRONT_END: &[&str] = &[
    "app", "api", "project", "public", "next", "vite", "react", "nuxt", "expo", "js", "web",
];

fn vendor_client_key(pieces: &[String], word: &str) -> bool {
    VENDOR_CLIENT_KEYS.iter().any(|&(vendor, key)| {
        word == key
            && pieces.iter().any(|w| w == vendor)
            && pieces
                .iter()
                .all(|w| w == vendor || w == key || is(FRONT_END, w))
    })
}

/// Whether a hexadecimal value under `name` is a public digest: a commit, a checksum, a
/// content hash, an ETag or a data structure's key, named so.
pub(crate) fn digest_name(name: &str) -> bool {
    const DIGEST: &[&str] = &[
        "sha",
        "sha1",
        "sha256",
        "sha512",
        "md5",
        "commit",
        "git",
        "revision",
        "rev",
        "hash",
        "checksum",
        "digest",
        "etag",
        "build",
        "version",
        "fingerprint",
        "thumbprint",
        "integrity",
        "crc",
        "crc32",
        "ref",
        "vcs",
        "scm",
        // A release or image tag is commonly the commit (`SENTRY_RELEASE`, `IMAGE_TAG`).
        "release",
        "tag",
        // A cache buster: the build's hash, or a random stamp, that renames assets.
        "buster",
    ];
    let pieces = pieces(name);
    // A data structure's key (`CACHE_KEY`, `PARTITION_KEY`) is often a hash: an identifier.
    let data_key = pieces
        .windows(2)
        .any(|w| is(DATA_KEY, &w[0]) && is(KEY, &w[1]));
    // In the plural too: `ASSET_HASHES`, `CHECKSUMS`, `DIGESTS`.
    let digest = |w: &String| {
        is(DIGEST, w)
            || [w.strip_suffix("es"), w.strip_suffix('s')]
                .into_iter()
                .flatten()
                .any(|singular| is(DIGEST, singular))
    };
    !secret_pieces(&pieces) && (data_key || pieces.iter().any(digest))
}

/// Whether `name` is an OpenPGP key's (`GPG_KEY`, `PGP_FINGERPRINT`): official images set the
/// signing key's fingerprint this way to verify downloads; a fingerprint is public.
pub(crate) fn pgp_name(name: &str) -> bool {
    pieces(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "gpg" | "pgp" | "gnupg" | "openpgp" | "fingerprint"
        )
    })
}

/// Whether `name` says its key is one its vendor documents as public (`STRIPE_PUBLISHABLE_KEY`,
/// `RECAPTCHA_SITE_KEY`, `FIREBASE_API_KEY`).
pub(crate) fn public_key_name(name: &str) -> bool {
    classify(&pieces(name)) == Kind::Public
}

/// Whether `name` says its value is public by design (`DISCORD_PUBLIC_KEY`,
/// `STRIPE_PUBLISHABLE_KEY`) or an identifier (`CLIENT_ID`, `SUBNET_IDS`): key material under
/// it is not judged by entropy (vendor formats still are).
pub(crate) fn public_name(name: &str) -> bool {
    let pieces = pieces(name);
    match classify(&pieces) {
        Kind::Public => true,
        Kind::Secret => false,
        Kind::Plain => {
            pieces.iter().any(|w| is(PUBLIC, w))
                || pieces.last().is_some_and(|w| {
                    // A JSON Web Key's ID (`kid`) names a key, published with it in a JWKS;
                    // an audience (`aud`) names the service every token issued for it names.
                    matches!(
                        w.as_str(),
                        "id" | "ids"
                            // An object's version (S3's opaque version IDs), a revision.
                            | "version"
                            | "versions"
                            | "revision"
                            | "sid"
                            | "sids"
                            | "kid"
                            | "kids"
                            | "aud"
                            | "audience"
                            | "audiences"
                            // An address is given out to be paid or called (a wallet's, a
                            // contract's, a Solana token's mint account): public by design.
                            | "address"
                            | "addresses"
                            | "addr"
                            | "mint"
                    )
                })
        }
    }
}

/// Whether the word list of `name` ends in a word that makes a URL value a secret itself (a
/// webhook URL): capability URLs. A DSN is not one: a database's holds its password (found
/// as such), and a Sentry DSN's key is public by Sentry's docs.
pub(crate) fn capability_url_name(name: &str) -> bool {
    pieces(name)
        .last()
        .is_some_and(|w| matches!(w.as_str(), "webhook"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_styles_split_into_the_same_words() {
        for n in [
            "db_password",
            "DB_PASSWORD",
            "dbPassword",
            "DbPassword",
            "db-password",
            "db.password",
            "Db Password",
        ] {
            assert_eq!(words(n), ["db", "password"], "{n}");
        }
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("xApiKey"), ["x", "api", "key"]);
        assert_eq!(words("S3_KEY"), ["s3", "key"]);
    }

    #[test]
    fn glued_words_split_back_into_vocabulary() {
        assert_eq!(pieces("DBPASSWORD"), ["db", "password"]);
        assert_eq!(pieces("apikey"), ["apikey"]);
        assert_eq!(pieces("SECRETKEY"), ["secret", "key"]);
        assert_eq!(pieces("authtoken"), ["auth", "token"]);
        assert_eq!(pieces("mailguntoken"), ["mailgun", "token"]);
        assert_eq!(pieces("MONKEY"), ["monkey"]);
        assert_eq!(pieces("keyboard"), ["keyboard"]);
    }

    proptest::proptest! {
        /// An index glued to a name's last word (`DB_PASSWORD2`, `SMTPPASSWORD1`) leaves
        /// what the name names as it was.
        #[test]
        fn an_index_glued_to_a_name_does_not_change_what_it_names(
            first in proptest::sample::select(vec!["db", "smtp", "app", "primary", "legacy", "x"]),
            last in proptest::sample::select(
                [STRONG, PASSWORD_ELSEWHERE, WEAK, KEY, PROPERTY].concat().into_iter().filter(|w| w.chars().all(|c| c.is_ascii_alphabetic())).collect::<Vec<_>>()
            ),
            index in 0u32..100,
            glue in proptest::sample::select(vec!["_", ""]),
            upper in proptest::bool::ANY,
        ) {
            let name = format!("{first}{glue}{last}");
            let indexed = format!("{name}{index}");
            let (name, indexed) = if upper {
                (name.to_uppercase(), indexed.to_uppercase())
            } else {
                (name, indexed)
            };
            proptest::prop_assert_eq!(secret_name(&indexed), secret_name(&name), "{} / {}", indexed, name);
        }
    }
}
