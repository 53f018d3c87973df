//! Whether a public Function URL's reason is one: it must say how callers are authenticated
//! (or that the response is public data) and must not defer or deny that authentication.
//!
//! A small classifier over words with scope, not a list of phrasings:
//!
//! * **Basis.** An authentication mechanism (API key, bearer/session token, signature/HMAC,
//!   JWT/OAuth/OIDC/Cognito, password, cookie; not mTLS, which a Function URL cannot
//!   require), or public data: "public
//!   data/information/content", "no secrets", "non-sensitive", or a content noun (response,
//!   page, data, feed, price list, …) that "is public" or is called public (`the public RSS
//!   feed`; not `the public URL`).
//! * **Deferral**, refused wherever it appears: markers of an unfinished state (`TODO`,
//!   `FIXME`, `TBD`, `WIP`, `temporarily`, `interim`, `for now`, `for the moment`, `in the
//!   meantime`, `placeholder`, `planned`, `eventually`, `later` as an adverb — not `later in
//!   the handler` —, `soon`, `next sprint`, `future`, `short-term`, `to follow`, a
//!   follow-up, the roadmap or backlog, a ticket `to add` it), a negated `yet`, a modal future of putting protection in place (`will add`, `going to enable`, `to
//!   be secured`), a purpose that ends (`for the demo`, `during testing`, a prototype or
//!   hackathon), `before`/`after` a launch-like event, `pending` next to authentication, and
//!   `until`/`once` when its own clause states an open state or its tail names putting
//!   protection in place or an event (`until launch`, `until Cognito lands`). So "keys rotate
//!   until revoked" and "tokens are valid until they expire" stay valid.
//! * **Negation** of authentication, refused unless the basis is public data: a negator (`no`,
//!   `not`, `without`, `never`, `n't`, `skip`, `bypass`, …) that scopes an authentication term
//!   directly, through noun-phrase fillers or through one verb (`does not check the key`, `no
//!   auth`, `isn't authenticated`), a term followed by a negating state (`auth disabled`, `key
//!   not required`, `validation stubbed out`), an unauthenticated-state word
//!   (`unauthenticated`, `anonymous`, `wide open`, `anyone with the URL`) not itself under a
//!   negator, a switched-off state later in the term's clause (`the key check is behind a flag
//!   that is currently off`, `a no-op`) or as a label's value (`API key: N/A`), and a negated
//!   act of protecting or checking in a sentence about authentication (`we haven't wired up
//!   the key check`, `… but it is not required`, `we log but do not verify`), and a check
//!   that lets requests through (`logged but not rejected`, `fails open`, `processed anyway`,
//!   `checked only when present`); two negators cancel (`there is no way to disable the
//!   check`). Deferral markers of German, French, Spanish, Italian, Portuguese and Dutch count
//!   as the English ones, and so do their words for an API key (`clé API`). A negation that is a *condition* (`without a key`,
//!   `with no token`, `requests that are not signed`, `unsigned events`) describes who is
//!   refused when a refusal follows in the sentence (`… are rejected`, `get 401`, `are
//!   ignored`) or another negator of its clause makes it a requirement (`no request is served
//!   without a key`); after a permission (`anyone can call it without a key`, `it works
//!   without auth`) it is a negation. `no <term>` going on to a handling verb (`no key is ever
//!   accepted from the query string`) is a rule about keys, not their absence. With public
//!   data as the basis (`the health page is public data, so no key is needed`) being
//!   unauthenticated is the point, not a gap; a deferral is refused even then.
//! * **Partial checks**, refused as negations: a check of one class of requests while a clause
//!   serves another as it comes, at some times or on a sample, after the response has left,
//!   by a component in front named by what it does, or of a credential published in the
//!   docs. A sentence about a component or version that is gone, or about requests that
//!   carry no data (CORS preflights, health checks), beside today's check negates nothing.

/// Why a reason was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Neither a mechanism nor public data (or fewer than four words).
    NoBasis,
    /// Authentication is promised for later, or the URL is public only for a while.
    Deferral,
    /// The reason says callers are not authenticated, without public data to justify it.
    Negation,
    /// Authentication is left to the callers' goodwill (`callers should send a key`, `clients
    /// may include a token`) and nothing in the reason enforces it.
    Delegation,
    /// No word of the reason is one of a language the classifier reads, so it cannot be told
    /// whether it defers or denies authentication.
    Unreadable,
    /// The check is told as a guess or an expectation (`the key is probably checked`, `the
    /// handler is supposed to verify it`), not as what the handler does.
    Hedge,
}

pub(crate) fn judge(reason: &str) -> Result<(), Refusal> {
    let sentences = continued(sentences(reason));
    let words: usize = sentences.iter().flatten().map(Vec::len).sum();
    let all = || sentences.iter().flatten().flatten();
    // A value compared with a secret is a shared secret, whatever carries it: `CloudFront
    // adds a header holding a secret from Secrets Manager; the handler rejects requests whose
    // header does not match`.
    let secret_compared = all().any(|w| matches!(w.as_str(), "secret" | "secrets"))
        && all().any(|w| w.starts_with("compar") || w.starts_with("match") || w == "equals");
    let mechanism = secret_compared || sentences.iter().any(|s| names_own_mechanism(s));
    let public = sentences.iter().flatten().any(|c| public_data(c));
    if words < 4 {
        return Err(Refusal::NoBasis);
    }
    if quoted_credential(reason) {
        return Err(Refusal::Negation);
    }
    // What cannot be read cannot be cleared: a deferral in Polish reads as no deferral here.
    // A terse English reason may have no function word but has its participles
    // (`HMAC-SHA256 request signatures verified`).
    if !all().any(|w| function_word(w) || required_state(w) || enforcement(w)) {
        return Err(Refusal::Unreadable);
    }
    // A sentence that is a reason on its own: a mechanism, nothing deferred, negated or wished.
    let enforced_now = |s: &Vec<Vec<String>>| {
        names_own_mechanism(s)
            && !deferral(s, false)
            && !negation(s)
            && !delegated(std::slice::from_ref(s))
    };
    if sentences.iter().enumerate().any(|(k, s)| {
        let elsewhere = sentences
            .iter()
            .enumerate()
            .any(|(j, o)| j != k && enforced_now(o));
        // Clauses of its own sentence that are a reason on their own, beside one about an
        // extra or the keys' upkeep: `…; its rotation is temporarily manual`.
        // (Not one of the check starting: `enforcement starts when the key store has
        // launched`.)
        let upkeep = |c: &Vec<String>| {
            extra_or_upkeep(c)
                && !c.iter().any(|y| {
                    activation(y)
                        || checking(y)
                        || matches!(
                            y.as_str(),
                            "enforcement"
                                | "verification"
                                | "validation"
                                | "authentication"
                                | "auth"
                        )
                })
        };
        let own = || {
            let rest: Vec<Vec<String>> = s.iter().filter(|c| !upkeep(c)).cloned().collect();
            !rest.is_empty() && rest.len() < s.len() && enforced_now(&rest)
        };
        deferral(s, elsewhere || own())
    }) {
        return Err(Refusal::Deferral);
    }
    // A sentence about what is gone (`an old gateway that used to check keys was removed`) or
    // about requests that carry no data (CORS preflights, health checks), beside one that is a
    // reason on its own, says nothing of the check of the others.
    let current: Vec<Vec<Vec<String>>> = sentences
        .iter()
        .enumerate()
        .filter(|&(k, s)| {
            !((history(s) || carries_no_data(s))
                && sentences
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != k && enforced_now(o)))
        })
        .map(|(_, s)| s.clone())
        .collect();
    // A mechanism said to be absent and replaced by one enforced now is no gap: `No mTLS here
    // (Function URLs cannot terminate it); instead each request carries a token the handler
    // verifies`.
    let replaced = |k: usize| {
        current.get(k + 1).is_some_and(|n| {
            n.first()
                .and_then(|c| c.first())
                .is_some_and(|w| matches!(w.as_str(), "instead" | "rather"))
                && enforced_now(n)
        })
    };
    // A `NONE` URL uses no IAM and takes no client certificate: a clause saying so
    // (`temporary AWS credentials are not used here`, `not SigV4`, `mTLS is not checked`)
    // negates no check of the handler's.
    let aws_auth = |c: &Vec<String>| {
        c.iter().any(|w| matches!(w.as_str(), "iam" | "sigv4"))
            || c.iter().any(|w| w == "aws")
                && c.iter()
                    .any(|w| matches!(w.as_str(), "credentials" | "credential"))
            || c.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "mtls" | "tls" | "certificate" | "certificates" | "x509"
                )
            }) && !names_mechanism(c)
    };
    let negates = |s: &Vec<Vec<String>>| {
        if mechanism && s.iter().any(aws_auth) {
            let rest: Vec<Vec<String>> = s.iter().filter(|c| !aws_auth(c)).cloned().collect();
            !rest.is_empty() && negation(&rest)
        } else {
            negation(s)
        }
    };
    if !public
        && (current
            .iter()
            .enumerate()
            .any(|(k, s)| negates(s) && !replaced(k))
            || checked_elsewhere(&current)
            || class_left_open(&current))
    {
        return Err(Refusal::Negation);
    }
    // Failures only recorded, in a reason that refuses, requires and verifies nothing (to
    // verify is to refuse what fails): `keys are compared; mismatches are logged`.
    let refuses = all().any(|w| {
        enforcement(w)
            || matches!(
                w.as_str(),
                "required" | "requires" | "require" | "needed" | "mandatory" | "must" | "enforced"
            )
            || ["verif", "validat", "authenticat"]
                .iter()
                .any(|p| w.starts_with(p))
    });
    if !refuses
        && current.iter().any(|s| {
            let words: Vec<&str> = s.iter().flatten().map(String::as_str).collect();
            let w = |i: usize| words.get(i).copied().unwrap_or("");
            let failure = (0..words.len()).any(|i| {
                matches!(w(i), "mismatch" | "mismatches" | "failures")
                    || matches!(w(i), "invalid" | "wrong" | "bad" | "failed")
                        && (AUTH_TERMS.contains(&w(i + 1))
                            || matches!(w(i + 1), "requests" | "attempts" | "calls"))
            });
            let recorded = (0..words.len()).any(|i| {
                matches!(
                    w(i),
                    "logged" | "recorded" | "reported" | "counted" | "flagged" | "noted"
                ) && !words[i.saturating_sub(2)..i].iter().any(|y| negator(y))
            });
            failure && recorded
        })
    {
        return Err(Refusal::Negation);
    }
    // A published credential authenticates no one, whatever the response holds; nor does a
    // key made from what callers know.
    if current
        .iter()
        .any(|s| published_credential(s) || key_from_public_data(s))
    {
        return Err(Refusal::Negation);
    }
    if !public && delegated(&current) {
        return Err(Refusal::Delegation);
    }
    if !public && current.iter().any(|s| hedged(s)) {
        return Err(Refusal::Hedge);
    }
    if !public && checked_if_present(&current) {
        return Err(Refusal::Negation);
    }
    // An exemption the caller controls, after a refusal: `403 for unknown keys, unless the
    // X-Internal header is set` — whoever sets the header is let in (not `unless the header
    // holds a valid token`: that is the check).
    if !public
        && current.iter().flatten().any(|c| {
            c.iter().position(|y| y == "unless").is_some_and(|i| {
                let cond = &c[i + 1..];
                cond.iter().any(|y| {
                    matches!(
                        y.as_str(),
                        "header" | "parameter" | "param" | "query" | "flag" | "cookie" | "field"
                    )
                }) && cond.iter().any(|y| {
                    matches!(
                        y.as_str(),
                        "set" | "present" | "sent" | "included" | "true" | "passed" | "added"
                    )
                }) && !cond.iter().any(|y| {
                    y.starts_with("valid")
                        || y.starts_with("verif")
                        || y.starts_with("match")
                        || matches!(y.as_str(), "correct" | "signed" | "authentic" | "genuine")
                })
            })
        })
    {
        return Err(Refusal::Negation);
    }
    // A check that applies to none: `enabled in 0 of 3 stages`, `on zero environments`.
    if !public
        && current.iter().flatten().any(|c| {
            c.iter()
                .any(|y| checking(y) || activation(y) || AUTH_TERMS.contains(&y.as_str()))
                && c.windows(2).any(|p| {
                    matches!(p[0].as_str(), "0" | "zero")
                        && matches!(
                            p[1].as_str(),
                            "of" | "stages"
                                | "environments"
                                | "accounts"
                                | "regions"
                                | "requests"
                                | "tenants"
                        )
                })
                && !c.iter().any(|y| enforcement(y))
        })
    {
        return Err(Refusal::Negation);
    }
    // A credential only kept (logged, stored, forwarded) in a reason where nothing judges it —
    // checks, compares, matches, verifies, requires or refuses — authenticates no one:
    // `callers send an API key, which the function writes to the access log`.
    // (A negation anywhere is judged by the rules above: `no request reaches the model
    // without a key`, `the key is never logged`.)
    let judged = all().any(|w| {
        enforcement(w)
            || negator(w)
            || matches!(
                w.as_str(),
                "must" | "only" | "need" | "needs" | "needed" | "mandatory" | "necessary"
            )
            || [
                "check",
                "compar",
                "match",
                "verif",
                "validat",
                "authenticat",
                "requir",
                "enforc",
                "look",
            ]
            .iter()
            .any(|p| w.starts_with(p))
    });
    // A credential named where nothing judges it — nothing checks, compares, verifies,
    // requires or refuses, in any language read — authenticates no one, whatever else is
    // done with it: kept (`the Twilio auth token lives in Secrets Manager`, `the key is
    // written to the access log`), sent or configured (`GitHub sends X-Hub-Signature-256`,
    // `the webhook is configured with a secret token`), made (`Shopify signs every webhook`)
    // or read (`we decode the bearer token`). Only the function can check a `NONE` URL's
    // callers, and a reason that says no check says none.
    // (A valid credential is a judged one, and `only` restricts: `only requests with a valid
    // signature are processed`, `nur Anfragen mit gültiger Signatur`.)
    let restricts = |w: &str| {
        enforced(w)
            || foreign_refusal(w)
            // The other languages' negators: `kein Aufruf ohne den API-Schlüssel`.
            || FOREIGN_NEGATORS.contains(&w)
            || ["valid", "invalid", "gültig", "ungültig", "válid", "inválid", "geldig", "ongeldig"]
                .iter()
                .any(|p| w.starts_with(p))
            || matches!(
                w,
                "nur"
                    | "seulement"
                    | "uniquement"
                    | "solo"
                    | "sólo"
                    | "solamente"
                    | "soltanto"
                    | "apenas"
                    | "somente"
                    | "alleen"
            )
    };
    if !public && mechanism && !judged && !all().any(|w| restricts(w)) {
        return Err(Refusal::Negation);
    }
    // A check of a credential's form only (`we check that the JWT is well-formed`, `keys are
    // validated by their Luhn checksum`, `… against the pattern sk_live_…`): every clause that
    // checks, verifies, validates or matches judges a shape, naming nothing the caller cannot
    // make (a secret, a signature, a hash, a stored or issued value). Anyone can write a
    // well-formed key.
    let judges = |c: &Vec<String>| {
        c.iter().any(|w| {
            checking(w)
                || ["verif", "validat", "compar", "authenticat", "match", "look"]
                    .iter()
                    .any(|p| w.starts_with(p))
        })
    };
    let of_substance = |c: &Vec<String>| {
        // A signature verified is verified with a key: `… and verify its signature`.
        c.iter().any(|w| w.starts_with("verif"))
            && c.iter()
                .any(|w| matches!(w.as_str(), "signature" | "signatures" | "hmac"))
            || c.iter().any(|w| {
                // A comparison is with a value kept: `compares it in constant time`.
                w.starts_with("compar")
                    || matches!(
                        w.as_str(),
                        "valid"
                            | "hash"
                            | "hashes"
                            | "hashed"
                            | "jwks"
                            | "issuer"
                            | "stored"
                            | "issued"
                            | "registered"
                            | "known"
                            | "expected"
                            | "revoked"
                            | "database"
                            | "dynamodb"
                            | "table"
                            | "allowlist"
                    )
            })
    };
    let of_form = |c: &Vec<String>| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        (0..c.len()).any(|i| {
            matches!(
                    w(i),
                    "formed"
                        | "wellformed"
                        | "parseable"
                        | "parsable"
                        | "decodable"
                        | "syntax"
                        | "syntactically"
                        | "shape"
                        | "format"
                        | "length"
                        | "checksum"
                        | "checksums"
                        | "luhn"
                        | "pattern"
                        | "patterns"
                        | "regex"
                        | "regexp"
                        | "regexes"
                        | "charset"
                        | "prefix"
                        | "prefixed"
                        | "exists"
                ) // `checks that the header starts with Bearer`, `… is present`.
                    || matches!(w(i), "starts" | "begins") && w(i + 1) == "with"
                    || w(i) == "present" && matches!(w(i.wrapping_sub(1)), "is" | "are" | "be")
        })
    };
    // Where nothing verifies, validates, compares or matches, every check judging a shape
    // suffices (`we check the header with a password checked against a hash starts with
    // Bearer`: what is checked is the header's form).
    let checks = |c: &Vec<String>| c.iter().any(|w| checking(w));
    let substantive = all().any(|w| {
        ["verif", "validat", "compar", "authenticat", "match", "look"]
            .iter()
            .any(|p| w.starts_with(p))
    });
    if !public
        && (!substantive
            && current.iter().flatten().any(checks)
            && current.iter().flatten().filter(|c| checks(c)).all(of_form)
            || current.iter().flatten().any(judges)
                && current
                    .iter()
                    .flatten()
                    .filter(|c| judges(c))
                    .all(|c| of_form(c) && !of_substance(c)))
    {
        return Err(Refusal::Negation);
    }
    // A token decoded and its claims read, which nothing verifies: anyone can write a JWT
    // whose `exp`, `aud` or `role` say what they like (`decodes the JWT and checks that its
    // exp and aud claims are valid`).
    let token = |w: &str| matches!(w, "jwt" | "jwts" | "token" | "tokens");
    let decoded = sentences.iter().flatten().any(|c| {
        (0..c.len()).any(|k| {
            (c[k].starts_with("decod") || c[k].starts_with("pars"))
                && (c[k + 1..].iter().take(4).any(|y| token(y))
                    || c[..k].iter().rev().take(3).any(|y| token(y)))
        })
    });
    let claims = all().any(|w| matches!(w.as_str(), "claim" | "claims"));
    let proven = all().any(|w| {
        w.starts_with("verif")
            || matches!(
                w.as_str(),
                "signature" | "signatures" | "signed" | "jwks" | "hmac" | "secret" | "key" | "keys"
            )
    });
    if !public && decoded && claims && !proven {
        return Err(Refusal::Negation);
    }
    // An identifier names a caller and proves nothing (`looks up the partner by the
    // X-Partner-Id header`, `tenants are identified by X-Tenant-Id`): a reason whose only
    // judgement is a look-up or an identification by an ID checks no one.
    // (An OIDC `ID token` is a credential, not an identifier.)
    let by_id = sentences.iter().flatten().any(|c| {
        c.iter().enumerate().any(|(k, w)| {
            (w == "id" || w == "ids" || w.ends_with("_id"))
                && !c.get(k + 1).is_some_and(|n| n.starts_with("token"))
        })
    });
    let identified = all().any(|w| {
        w.starts_with("identif")
            || matches!(
                w.as_str(),
                "look" | "looks" | "looked" | "lookup" | "lookups"
            )
    });
    let proven = all().any(|w| {
        enforcement(w)
            || [
                "verif",
                "validat",
                "compar",
                "authenticat",
                "match",
                "check",
            ]
            .iter()
            .any(|p| w.starts_with(p))
    });
    if !public && by_id && identified && !proven {
        return Err(Refusal::Negation);
    }
    // Signing in to an app protects the app: a `NONE` URL's requests never meet that sign-in,
    // so one the function does not itself verify checks no one (`Cognito protects the
    // endpoint: users must sign in to the app before they can see the URL`).
    let sign_in = sentences.iter().flatten().any(|c| {
        c.windows(2).any(|p| {
            matches!(
                p[0].as_str(),
                "sign" | "signs" | "signed" | "log" | "logs" | "logged"
            ) && p[1] == "in"
        }) || c.iter().any(|w| {
            // A second factor is one of signing in: `our user pool enforces MFA`.
            matches!(
                w.as_str(),
                "signin" | "login" | "logins" | "mfa" | "2fa" | "totp"
            )
        })
    });
    // A credential the request carries (`a session cookie set at sign-in`) is judged by the
    // rules about it.
    let carried = all().any(|w| {
        matches!(
            w.as_str(),
            "cookie"
                | "cookies"
                | "token"
                | "tokens"
                | "jwt"
                | "jwts"
                | "bearer"
                | "header"
                | "headers"
                | "key"
                | "keys"
                | "signature"
                | "signatures"
                | "certificate"
                | "certificates"
                | "authorization"
        )
    });
    if !public && sign_in && !proven && !carried {
        return Err(Refusal::Negation);
    }
    // Authenticated by a credential's presence (`by the presence of a Cookie header`), the
    // rest of it taken on trust (`everything else about it is trusted`), or with a kill switch
    // in use: nothing judges it.
    if !public
        && current.iter().flatten().any(|c| {
            c.windows(2).any(|p| p[0] == "by" && p[1] == "presence")
                || c.windows(3)
                    .any(|p| p[0] == "by" && p[1] == "the" && p[2] == "presence")
                || c.windows(2).any(|p| {
                    matches!(p[0].as_str(), "everything" | "anything" | "all") && p[1] == "else"
                }) && c
                    .iter()
                    .any(|y| matches!(y.as_str(), "trusted" | "ignored" | "accepted" | "unchecked"))
                || (c.windows(2).any(|p| p[0] == "kill" && p[1] == "switch")
                    || c.iter().any(|y| y == "killswitch"))
                    && !c.iter().any(|y| negator(y))
        })
    {
        return Err(Refusal::Negation);
    }
    // A signature anyone can make passes: `any JWT signed by any issuer`, `tokens from any
    // IdP` (not `any issuer other than ours is rejected`).
    if current.iter().flatten().any(|c| {
        c.windows(3).enumerate().any(|(k, p)| {
            p[0] == "any"
                && matches!(
                    p[1].as_str(),
                    "issuer"
                        | "issuers"
                        | "signer"
                        | "signers"
                        | "idp"
                        | "idps"
                        | "tenant"
                        | "audience"
                )
                && !matches!(p[2].as_str(), "other" | "except" | "but" | "besides")
                && !c[..k].iter().any(|y| negator(y))
        }) || c.len() >= 2
            && c[c.len() - 2] == "any"
            && matches!(
                c[c.len() - 1].as_str(),
                "issuer" | "issuers" | "signer" | "signers" | "idp"
            )
    }) {
        return Err(Refusal::Negation);
    }
    // Success when the credential is absent: `returns early with success when the header is
    // missing`.
    if !public
        && current.iter().flatten().any(|c| {
            let passes = c.iter().any(|y| {
                matches!(
                    y.as_str(),
                    "success" | "succeeds" | "passes" | "allowed" | "accepted" | "proceeds" | "200"
                )
            });
            let absent = c
                .windows(2)
                .any(|p| matches!(p[0].as_str(), "when" | "if" | "whenever"))
                && c.iter().any(|y| {
                    matches!(
                        y.as_str(),
                        "missing" | "absent" | "empty" | "omitted" | "blank"
                    )
                });
            passes && absent && !c.iter().any(|y| enforcement(y))
        })
        && all().any(|w| AUTH_TERMS.contains(&w.as_str()) || w == "header")
    {
        return Err(Refusal::Negation);
    }
    // Failures only recorded, whatever else the reason says: `keys are validated but failures
    // are only reported to Datadog`.
    if current.iter().flatten().any(|c| {
        c.iter().any(|y| {
            matches!(
                y.as_str(),
                "failures" | "mismatches" | "failed" | "invalid" | "errors"
            )
        }) && c.windows(3).any(|p| {
            p[0] == "only"
                && [&p[1], &p[2]].iter().any(|y| {
                    matches!(
                        y.as_str(),
                        "reported"
                            | "logged"
                            | "recorded"
                            | "counted"
                            | "flagged"
                            | "noted"
                            | "alerted"
                    )
                })
        }) && !c.iter().any(|y| enforcement(y))
    }) {
        return Err(Refusal::Negation);
    }
    // A failed check met only by a warning: the response still goes out (`on failure we add
    // a warning header to the response`).
    if current.iter().flatten().any(|c| {
        c.iter().any(|y| {
            matches!(
                y.as_str(),
                "failure" | "failures" | "fails" | "failed" | "mismatch" | "mismatches" | "invalid"
            )
        }) && c
            .iter()
            .any(|y| matches!(y.as_str(), "warning" | "warnings" | "warn" | "warns"))
            && !c
                .iter()
                .any(|y| enforcement(y) && !matches!(y.as_str(), "fail" | "fails" | "failed"))
    }) {
        return Err(Refusal::Negation);
    }
    // A check on the caller's side: `API keys are checked client-side in the SDK`.
    if !public
        && current.iter().flatten().any(|c| {
            c.iter().any(|y| checking(y))
                && (c.windows(2).any(|p| p == ["client", "side"])
                    || c.iter().any(|y| y == "clientside"))
                && !c.iter().any(|y| y == "server" || y == "serverside")
        })
    {
        return Err(Refusal::Negation);
    }
    // A credential whose value does not matter: `its value can be anything`, `any value works`,
    // `a token, any token`.
    if !public
        && current.iter().flatten().any(|c| {
            c.windows(2).any(|p| p == ["be", "anything"])
                // `compared to the string Bearer followed by any value`.
                || c.windows(3).any(|p| {
                    matches!(p[0].as_str(), "by" | "with" | "accepts" | "accept")
                        && p[1] == "any"
                        && matches!(p[2].as_str(), "value" | "string" | "text")
                }) && !c.iter().any(|y| enforcement(y) || negator(y))
                || matches!(c.as_slice(), [a, t] if a == "any" && CREDENTIALS_NAMED.contains(&t.as_str()))
                || c.windows(3).any(|p| {
                    p[0] == "any"
                        && p[1] == "value"
                        && matches!(p[2].as_str(), "works" | "passes" | "is" | "will" | "does")
                })
        })
        && all().any(|w| AUTH_TERMS.contains(&w.as_str()))
    {
        return Err(Refusal::Negation);
    }
    // The check's outcome thrown away: `the comparison result is ignored`.
    if current.iter().flatten().any(|c| {
        c.windows(3).any(|p| {
            matches!(p[0].as_str(), "result" | "results" | "outcome" | "verdict")
                && (matches!(p[1].as_str(), "ignored" | "discarded" | "unused")
                    || matches!(p[1].as_str(), "is" | "are" | "gets")
                        && matches!(p[2].as_str(), "ignored" | "discarded" | "unused"))
        })
    }) {
        return Err(Refusal::Negation);
    }
    // Those a negated relative clause picks out still served: `clients that don't sign are
    // still served`, `callers who never send a key are answered anyway`.
    if !public
        && mechanism
        && current.iter().flatten().any(|c| {
            (1..c.len()).any(|k| {
                // Past an auxiliary: `tenants that have not opted in are served`.
                let aux = usize::from(
                    k >= 2
                        && matches!(c[k - 2].as_str(), "that" | "who" | "which")
                        && matches!(
                            c[k - 1].as_str(),
                            "have" | "has" | "had" | "do" | "does" | "did" | "are" | "is" | "were"
                        ),
                );
                matches!(c[k - 1 - aux].as_str(), "that" | "who" | "which")
                    && negator(&c[k])
                    && c[k + 1..].iter().any(|y| {
                        matches!(
                            y.as_str(),
                            "served"
                                | "processed"
                                | "accepted"
                                | "answered"
                                | "allowed"
                                | "handled"
                                | "forwarded"
                        )
                    })
                    && !c.iter().any(|y| enforcement(y))
            })
        })
    {
        return Err(Refusal::Negation);
    }
    // A check kept on a branch other than the one deployed: `done (in the staging branch)`.
    if current.iter().flatten().any(|c| on_a_branch(c)) {
        return Err(Refusal::Deferral);
    }
    // A check of some requests only, named as the check's subject: `only the first request of
    // each session is authenticated`.
    if !public && current.iter().flatten().any(|c| only_some_checked(c)) {
        return Err(Refusal::Negation);
    }
    // A setting of the check given the value that turns it off: `verify=False`,
    // `AUTH_ENABLED`, which is `false`, `EXPECTED_TOKEN` is empty, `SKIP_AUTH=true`.
    if !public && (setting_off(reason) || condition_set_otherwise(reason)) {
        return Err(Refusal::Negation);
    }
    if !(mechanism || public) {
        return Err(Refusal::NoBasis);
    }
    Ok(())
}

/// What a setting named in a reason is to the check: a switch of it (`VERIFY_TOKENS`,
/// `AUTH_ENABLED`), a way around it (`SKIP_AUTH`, `ALLOW_ANONYMOUS`), or the credential it
/// compares with (`EXPECTED_TOKEN`).
#[derive(PartialEq)]
enum Setting {
    Switch,
    Skip,
    Credential,
}

/// What the code identifier `t` (`snake_case`, `SCREAMING_CASE`, `camelCase`, or a keyword
/// argument: `glued` to a following `=`) names, by its words.
fn setting_kind(t: &str, glued: bool) -> Option<Setting> {
    let camel = t
        .as_bytes()
        .windows(2)
        .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase());
    if !(t.contains('_') || camel || glued) || !t.chars().any(char::is_alphabetic) {
        return None;
    }
    // Its words: `VERIFY_TOKENS`, `verifySignature`.
    let mut parts: Vec<String> = vec![String::new()];
    let mut prev_lower = false;
    for ch in t.chars() {
        if ch == '_' {
            parts.push(String::new());
        } else {
            if ch.is_uppercase() && prev_lower {
                parts.push(String::new());
            }
            parts.last_mut()?.extend(ch.to_lowercase());
        }
        prev_lower = ch.is_lowercase();
    }
    let has = |f: &dyn Fn(&str) -> bool| parts.iter().any(|p| f(p));
    if has(&|p| {
        matches!(
            p,
            "skip"
                | "disable"
                | "disabled"
                | "bypass"
                | "insecure"
                | "unsafe"
                | "noauth"
                | "anonymous"
                | "unauthenticated"
                | "unsigned"
                | "public"
        )
    }) {
        Some(Setting::Skip)
    } else if has(&|p| {
        check_verb(
            p,
            &[
                "strict", "requir", "enabl", "secur", "sign", "mtls", "protect",
            ],
        ) || matches!(p, "auth" | "authn")
    }) {
        Some(Setting::Switch)
    } else if has(&|p| {
        matches!(
            p,
            "key" | "keys" | "token" | "tokens" | "secret" | "password" | "apikey" | "hmac"
        )
    }) {
        Some(Setting::Credential)
    } else {
        None
    }
}

/// A clause placing something on a branch or pull request other than the deployed one: `in
/// the staging branch`, `on a feature branch`, `in an open PR` (not `the main branch`).
fn on_a_branch(c: &[String]) -> bool {
    (0..c.len()).any(|i| {
        let branch = matches!(c[i].as_str(), "branch" | "branches" | "pr" | "mr")
            || c[i] == "request" && i > 0 && matches!(c[i - 1].as_str(), "pull" | "merge");
        // A change request named by its number that the change was made in is its history
        // (`the check was added in PR 412`), not where the check waits.
        let numbered = c[i] != "branch"
            && c[i] != "branches"
            && c.get(i + 1).is_some_and(|n| {
                let n = n.trim_start_matches('#');
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            });
        let done = c[i.saturating_sub(4)..i].iter().any(|y| {
            matches!(
                y.as_str(),
                "was" | "were" | "been" | "merged" | "landed" | "shipped" | "released"
            )
        });
        branch
            && !(numbered && done)
            && c[i.saturating_sub(4)..i]
                .iter()
                .any(|y| matches!(y.as_str(), "in" | "on"))
            && !c[i.saturating_sub(3)..i].iter().any(|y| {
                matches!(
                    y.as_str(),
                    "main"
                        | "master"
                        | "default"
                        | "trunk"
                        | "release"
                        | "production"
                        | "prod"
                        | "deployed"
                        | "merged"
                )
            })
    })
}

/// `only` before the subject of a check in the passive, the subject a class or share of the
/// requests (`only the first request of each session is authenticated`, `only POST requests
/// are verified`): the rest are not. (`only requests with a valid key are processed` restricts
/// the work, and `is only checked once` the count.)
fn only_some_checked(c: &[String]) -> bool {
    // `validated only for write operations`.
    let after = (1..c.len()).any(|k| {
        c[k] == "only"
            && check_verb(&c[k - 1], &[])
            && c.get(k + 1)
                .is_some_and(|w| matches!(w.as_str(), "for" | "on"))
    });
    after
        || (0..c.len()).any(|k| {
            c[k] == "only"
                && !(k > 0 && matches!(c[k - 1].as_str(), "is" | "are" | "was" | "were"))
                // `decoded only after the signature is verified`: an order, not a class.
                && !c.get(k + 1).is_some_and(|w| {
                    matches!(w.as_str(), "after" | "once" | "when" | "if" | "until")
                })
                && (k + 2..c.len().min(k + 10)).any(|j| {
                    check_verb(&c[j], &[])
                        && c[j].ends_with("ed")
                        && matches!(
                            c[j - 1].as_str(),
                            "is" | "are" | "was" | "were" | "gets" | "get"
                        )
                        && j > k + 2
                        && !c[k + 1..j - 1].iter().any(|y| {
                            matches!(
                                y.as_str(),
                                "with" | "that" | "which" | "carrying" | "bearing" | "holding"
                            ) || y.ends_with("ed")
                        })
                })
        })
}

/// Whether the reason gives a setting of the check (a code identifier: `snake_case`,
/// `SCREAMING_CASE`, `camelCase` or a keyword argument, `verify=False`) the value under which
/// nothing is checked: a switch of the check (`VERIFY_TOKENS`, `AUTH_ENABLED`, `STRICT_AUTH`)
/// off, one of skipping it (`SKIP_AUTH`, `ALLOW_ANONYMOUS`) on, or the expected credential
/// (`EXPECTED_TOKEN`, `API_KEY`) empty or unset — also as its default (`…=1; defaults to 0`).
/// The identifier's words are read as a name, not as prose: `VERIFY_TOKENS` checks nothing.
fn setting_off(text: &str) -> bool {
    // Raw tokens: identifier characters, and the punctuation that links a value.
    let mut tokens: Vec<(String, bool)> = Vec::new(); // (token, glued to a following `=`)
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' || c == '\'' || c == '\u{2019}' {
            word.push(if c == '\u{2019}' { '\'' } else { c });
            continue;
        }
        // A dotted key (`auth.enabled`, YAML's and properties' paths) is one setting, its
        // dots `_`.
        if c == '.' && !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            word.push('_');
            continue;
        }
        if !word.is_empty() {
            tokens.push((std::mem::take(&mut word), c == '='));
        }
        if matches!(c, '=' | ':' | ';' | '.' | '!' | '?') && chars.peek() != Some(&'=') {
            tokens.push((c.to_string(), false));
        }
    }
    if !word.is_empty() {
        tokens.push((word, false));
    }
    let off = |v: &str| {
        matches!(
            v,
            "false" | "0" | "off" | "no" | "disabled" | "none" | "null"
        )
    };
    let on = |v: &str| matches!(v, "true" | "1" | "on" | "yes" | "enabled");
    let unset = |v: &str| {
        matches!(
            v,
            "empty" | "unset" | "blank" | "none" | "null" | "undefined"
        )
    };
    (0..tokens.len()).any(|i| {
        let Some(kind) = setting_kind(&tokens[i].0, tokens[i].1) else {
            return false;
        };
        // The value the words after it give it, the last one said (a default after the
        // setting's value is what it is where no one sets it).
        let mut value: Option<String> = None;
        let mut k = i + 1;
        while k < tokens.len() && k <= i + 12 {
            let t = tokens[k].0.to_lowercase();
            let next = tokens
                .get(k + 1)
                .map_or(String::new(), |n| n.0.to_lowercase());
            if matches!(t.as_str(), ";" | "." | "!" | "?") {
                if !matches!(next.as_str(), "defaults" | "default" | "which" | "it") {
                    break;
                }
            } else if off(&t) || on(&t) || unset(&t) {
                value = Some(t);
            } else if (t == "not" || t.ends_with("n't"))
                && matches!(next.as_str(), "set" | "configured" | "defined" | "provided")
            {
                value = Some("unset".to_owned());
                k += 1;
            } else if !function_word(&t)
                && !matches!(
                    t.as_str(),
                    "=" | ":"
                        | "set"
                        | "defaults"
                        | "default"
                        | "currently"
                        | "always"
                        | "still"
                        | "stack"
                        | "production"
                        | "prod"
                        | "staging"
                        | "here"
                        | "now"
                        | "everywhere"
                        | "which"
                        | "it"
                        | "is"
                        | "was"
                )
            {
                break;
            }
            k += 1;
        }
        value.is_some_and(|v| match kind {
            Setting::Switch => off(&v) || unset(&v) && v != "none",
            Setting::Skip => on(&v),
            Setting::Credential => unset(&v),
        })
    })
}

/// A check under a setting's value (`when PROD=1 the key is enforced`) that the reason says
/// the stack sets to another (`this stack sets PROD=0`): whatever the setting's name, the
/// condition does not hold here.
fn condition_set_otherwise(text: &str) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let pairs: Vec<(usize, &str, &str)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(k, t)| {
            let t = t.trim_matches(|c: char| "`'\"(),;.:".contains(c));
            let (name, value) = t.split_once('=')?;
            (!name.is_empty()
                && !value.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && name.bytes().any(|b| b.is_ascii_uppercase() || b == b'_')
                && value.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then_some((k, name, value))
        })
        .collect();
    pairs.iter().any(|&(k, name, value)| {
        let conditional = tokens[k.saturating_sub(2)..k].iter().any(|y| {
            matches!(
                y.to_ascii_lowercase().as_str(),
                "when" | "if" | "while" | "whenever" | "unless"
            )
        });
        conditional
            && pairs
                .iter()
                .any(|&(j, n, v)| j != k && n == name && !v.eq_ignore_ascii_case(value))
    })
}

/// A credential whose value the reason gives as a well-known default (`the password admin`,
/// `username admin, password admin`, `the key is changeme`): the first guess of anyone who
/// finds the URL, published by the reason itself.
fn default_credential(sentence: &[Vec<String>]) -> bool {
    // Values that are defaults and nothing else (not `secret`, `test`, `user`, which go on
    // to name other things: `key secret`, `token is user-scoped`).
    const DEFAULTS: &[&str] = &[
        "admin",
        "administrator",
        "passw0rd",
        "changeme",
        "letmein",
        "guest",
        "1234",
        "12345",
        "123456",
        "12345678",
        "qwerty",
        "hunter2",
    ];
    let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
    let w = |i: usize| words.get(i).copied().unwrap_or("");
    (0..words.len()).any(|i| {
        matches!(
            w(i),
            "password"
                | "passphrase"
                | "key"
                | "token"
                | "secret"
                | "pin"
                | "credentials"
                | "credential"
                | "login"
                | "username"
        ) && (DEFAULTS.contains(&w(i + 1))
            || matches!(w(i + 1), "is" | "are" | "of") && DEFAULTS.contains(&w(i + 2)))
    }) || sentence.iter().any(|c| written_out(c))
}

/// A credential's value quoted after its noun (`the HS256 secret `s3cr3t-shared``) or as an
/// account (`admin:Tr0ub4dor&3xQz9`): the reason is on the review page and in the template, so
/// anyone reads it. A name, a path or a
/// placeholder there is none (`the secret `JWT_SECRET``, `the key `prod/api-key``).
fn quoted_credential(text: &str) -> bool {
    // `admin:Tr0ub4dor&3xQz9`: an account as HTTP Basic writes it, a password of mixed case or
    // with a symbol after a user name (not `region:us-west-2`, `sha256:<hex>`, `localhost:8080`,
    // `arn:aws:…`).
    let account = text.split_whitespace().any(|t| {
        let t = t.trim_matches(|c: char| "`'\"()[]{},;.".contains(c));
        t.split_once(':').is_some_and(|(user, password)| {
            let lower = user.to_ascii_lowercase();
            // A user name (`admin`, `svc_ci2`, `deploy-bot`), not a scheme or a digest's
            // algorithm as IANA's hash registry and OCI digests name them (`sha256:…`,
            // `sha3-512:…`, `md5:…`, `blake2b-256:…`).
            let (family, size) = lower.split_at(
                lower
                    .find(|c: char| c.is_ascii_digit())
                    .unwrap_or(lower.len()),
            );
            let algorithm = match family {
                "md" => matches!(size, "2" | "4" | "5"),
                "sha" => matches!(
                    size,
                    "1" | "224"
                        | "256"
                        | "384"
                        | "512"
                        | "512-224"
                        | "512-256"
                        | "3-224"
                        | "3-256"
                        | "3-384"
                        | "3-512"
                ),
                "blake" => {
                    size == "3"
                        || ["2b", "2s"].iter().any(|v| {
                            size.strip_prefix(v).is_some_and(|r| {
                                r.is_empty()
                                    || r.strip_prefix('-')
                                        .is_some_and(|n| n.parse::<u16>().is_ok())
                            })
                        })
                }
                _ => false,
            };
            user.len() >= 2
                && user.starts_with(|c: char| c.is_ascii_alphabetic())
                && user
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                && !algorithm
                && !matches!(lower.as_str(), "arn" | "urn" | "http" | "https")
                && password.len() >= 8
                && !password.contains([':', '/', '<', '$', '{'])
                && password.bytes().any(|b| b.is_ascii_digit())
                && password.bytes().any(|b| b.is_ascii_alphabetic())
                && (password.bytes().any(|b| b.is_ascii_uppercase())
                    && password.bytes().any(|b| b.is_ascii_lowercase())
                    || password
                        .bytes()
                        .any(|b| b.is_ascii_punctuation() && !b"-_.".contains(&b)))
        })
    });
    // `the shared secret is the string 'partner'`: a value in plain quotes a few words after
    // a credential's noun (not a header's or a variable's name: `'X-Api-Key'`, `"API_KEY"`).
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let in_quotes = tokens.iter().enumerate().any(|(k, t)| {
        let t = t.trim_end_matches(|c: char| ",;.:!?)".contains(c));
        let Some(v) = ['\'', '"', '\u{2018}', '\u{201c}'].iter().find_map(|&q| {
            let close = match q {
                '\u{2018}' => '\u{2019}',
                '\u{201c}' => '\u{201d}',
                q => q,
            };
            t.strip_prefix(q).and_then(|r| r.strip_suffix(close))
        }) else {
            return false;
        };
        let lower = v.to_ascii_lowercase();
        v.chars().count() >= 4
            && !v.contains(|c: char| "/{}<>$".contains(c))
            // A variable's name, a header's (`X-Api-Key`, `x-api-key`, `Authorization`).
            && (!v.contains('_') || v.bytes().any(|b| b.is_ascii_lowercase()))
            && (!v.contains('-') || !v.split('-').all(|p| p.starts_with(char::is_uppercase)))
            && !lower.starts_with("x-")
            && !(v.starts_with(char::is_uppercase) && v.chars().skip(1).all(char::is_lowercase))
            // A claim's or a credential's own word (`the token's 'scope'`).
            && !AUTH_TERMS.contains(&lower.as_str())
            && !MECHANISMS.contains(&lower.as_str())
            && !matches!(
                lower.as_str(),
                "scope" | "scopes" | "roles" | "groups" | "email" | "tenant" | "audience"
                    | "issuer" | "subject" | "claim" | "claims"
            )
            && tokens[k.saturating_sub(5)..k].iter().any(|y| {
                let y = y.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase();
                matches!(
                    y.as_str(),
                    "secret" | "password" | "passphrase" | "key" | "token" | "pin"
                )
            })
    });
    let spans: Vec<&str> = text.split('`').collect();
    account
        || in_quotes
        || (1..spans.len()).step_by(2).any(|k| {
            let noun = spans[k - 1]
                .trim_end()
                .rsplit(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let v = spans[k];
            let credential = |w: &str| {
                matches!(
                    w.to_ascii_lowercase().as_str(),
                    "secret" | "password" | "passphrase" | "key" | "token"
                )
            };
            // `api key required (value: `pk_live_…`)`: a value labelled as a credential's.
            let mut before = spans[k - 1]
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| !w.is_empty())
                .rev();
            let labelled = before
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("value"))
                && before.take(5).any(credential);
            (credential(&noun) || labelled) && v.len() >= 6
            && !v.contains(|c: char| c.is_whitespace() || "/:{}$<>".contains(c))
            && v.bytes().any(|b| b.is_ascii_digit())
            && v.bytes().any(|b| b.is_ascii_alphabetic())
            // A variable's name (`KMS_KEY_ID2`).
            && (!v.contains('_') || v.bytes().any(|b| b.is_ascii_lowercase()))
        })
}

/// A credential whose value the reason writes out (`username and password both set to
/// payouts`): the reason is on the review page and in the template, so anyone reads it.
fn written_out(c: &[String]) -> bool {
    let w = |i: usize| c.get(i).map_or("", String::as_str);
    (0..c.len()).any(|i| {
        matches!(w(i), "set" | "equal" | "equals" | "literally")
            && (w(i) == "equals" || w(i + 1) == "to" || w(i) == "literally")
            && {
                let v = if matches!(w(i), "equals" | "literally") {
                    i + 1
                } else {
                    i + 2
                };
                let value = w(v);
                !value.is_empty()
                    && !function_word(value)
                    && !negator(value)
                    && !matches!(
                        value,
                        "expire" | "expires" | "rotate" | "change" | "be" | "value" | "random"
                            | "whatever" | "something" | "true" | "false" | "on" | "off"
                            | "required" | "mandatory" | "enabled" | "disabled"
                    )
                    && !AUTH_TERMS.contains(&value)
                    // The value closes what is said of it: `… set to payouts`, `… set to
                    // payouts and never changed`.
                    && matches!(w(v + 1), "" | "and" | "or" | "for" | "in" | "by")
            }
            && c[..i].iter().rev().take(6).any(|y| {
                matches!(
                    y.as_str(),
                    "password" | "passwords" | "passphrase" | "key" | "token" | "secret" | "pin"
                )
            })
    })
}

/// Whether a sentence names a mechanism the function itself can check. Signing in a clause
/// about IAM, SigV4 or CloudFront's origin access control (and in a clause drawing its
/// consequence, `…, so callers are signed`) is AWS's request signing, which only an `AWS_IAM`
/// URL checks: with `NONE` Lambda verifies no signature, so `CloudFront OAC signs requests to
/// the URL` and `callers cannot sign with SigV4` name no mechanism of this URL.
fn names_own_mechanism(sentence: &[Vec<String>]) -> bool {
    let aws_signing = |c: &[String]| {
        c.iter()
            .any(|w| matches!(w.as_str(), "iam" | "sigv4" | "oac"))
            || c.windows(3).any(|p| p == ["origin", "access", "control"])
    };
    let mut signing = false;
    sentence.iter().any(|c| {
        let consequence = c
            .first()
            .is_some_and(|w| matches!(w.as_str(), "so" | "hence" | "therefore" | "thus"));
        signing = aws_signing(c) || signing && consequence;
        if !signing {
            return names_mechanism(c) || refuses_the_unsigned(sentence);
        }
        let own: Vec<String> = c
            .iter()
            .filter(|w| {
                !matches!(
                    w.as_str(),
                    "signed" | "signs" | "signing" | "signature" | "signatures" | "sigv4"
                )
            })
            .cloned()
            .collect();
        names_mechanism(&own)
    })
}

/// A refusal of unsigned requests names the signature: `unsigned requests are rejected`,
/// `unsigned deliveries get 401` (`unauthenticated requests are rejected` names nothing).
fn refuses_the_unsigned(sentence: &[Vec<String>]) -> bool {
    sentence.iter().flatten().any(|w| enforcement(w))
        && sentence.iter().any(|c| {
            c.windows(2).any(|p| {
                p[0] == "unsigned"
                    && matches!(
                        p[1].as_str(),
                        "requests"
                            | "request"
                            | "calls"
                            | "deliveries"
                            | "webhooks"
                            | "events"
                            | "payloads"
                            | "messages"
                            | "callers"
                            | "clients"
                            | "traffic"
                    )
            })
        })
}

/// Whether a clause names an authentication mechanism (`API key`, `clé API`, `JWT`, …). A key
/// public by design is none: Stripe's publishable key, Supabase's anon key, Firebase's web
/// API key ship in every client.
fn names_mechanism(c: &[String]) -> bool {
    let public_key = |k: usize| {
        matches!(c[k].as_str(), "key" | "keys")
            && k > 0
            && (matches!(c[k - 1].as_str(), "publishable" | "anon" | "anonymous")
                || k > 1 && c[k - 1] == "api" && c[k - 2] == "web")
    };
    if c.iter()
        .any(|w| matches!(w.as_str(), "publishable" | "anon" | "anonymous" | "web"))
    {
        let rest: Vec<String> = (0..c.len())
            .filter(|&k| !(public_key(k) || k + 1 < c.len() && public_key(k + 1) && c[k] == "api"))
            .map(|k| c[k].clone())
            .collect();
        if rest.len() < c.len() {
            return names_mechanism(&rest);
        }
    }
    c.iter().any(|w| MECHANISMS.contains(&w.as_str()) || FOREIGN_MECHANISMS.contains(&w.as_str()))
        || pair(c, "api", KEY_WORDS)
        || pair(c, "access", &["key", "keys", "token", "tokens"])
        || pair(c, "basic", &["auth", "authentication", "credentials"])
        // A secret both sides hold, compared by the function: `a shared secret header`, `the
        // webhook secret`, `Slack's signing secret`.
        || ["shared", "webhook", "signing", "endpoint", "notification"]
            .iter()
            .any(|&kind| pair(c, kind, &["secret", "secrets"]))
        // `clé API`, `API-Schlüssel`, `clave de API`: the key in other languages.
        || pair(c, "api", FOREIGN_KEYS)
        || c.windows(2)
            .any(|p| FOREIGN_KEYS.contains(&p[0].as_str()) && p[1] == "api")
        || c.windows(3).any(|p| {
            FOREIGN_KEYS.contains(&p[0].as_str())
                && matches!(p[1].as_str(), "de" | "di" | "da")
                && p[2] == "api"
        })
}

/// Sentences of clauses of lowercase words. Sentences end at `.`, `;`, `!`, `?`; clauses also
/// at `,`, `:`, brackets, dashes between spaces and `but`/`however`/`except`. `n't` stays on
/// its word, so `doesn't` is one negator.
fn sentences(text: &str) -> Vec<Vec<Vec<String>>> {
    // Words their punctuation would split: `n/a`, `no-op` — whole words only (`admin/admin`
    // holds `n/a`).
    let text = joined_whole(
        &joined_whole(
            &base64_as_one(&settings_as_names(text)).to_lowercase(),
            "n/a",
            "na",
        ),
        "no-op",
        "noop",
    );
    let mut out = vec![vec![Vec::new()]];
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Vec<Vec<String>>>| {
        let w = word.trim_matches('\'').to_owned();
        word.clear();
        if w.is_empty() {
            return;
        }
        if matches!(
            w.as_str(),
            "but" | "however" | "except" | "although" | "though"
        ) {
            new_clause(out);
        }
        // Engineers' abbreviations of a mechanism are the mechanism: `sig`, `cert`, `creds`.
        let w = match w.as_str() {
            "sig" => "signature".to_owned(),
            "sigs" => "signatures".to_owned(),
            "cert" => "certificate".to_owned(),
            "certs" => "certificates".to_owned(),
            "creds" => "credentials".to_owned(),
            _ => w,
        };
        if let Some(clause) = out.last_mut().and_then(|s| s.last_mut()) {
            clause.push(w);
        }
    };
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if c == '\u{2019}' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            word.extend(c.to_lowercase());
        } else if (c == '#' || c == '-' && prev.is_alphanumeric())
            && chars.clone().take_while(char::is_ascii_digit).count() >= 3
        {
            // A ticket's number (`PAY-412`, `#431`) is no status code: `#412` stays apart.
            flush(&mut word, &mut out);
            word.push('#');
        } else if c == '*'
            && word.is_empty()
            && !prev.is_alphanumeric()
            && prev != '*'
            && !chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '*')
        {
            // A lone `*` is a wildcard (`the allow-list holds *`); `*` inside a word or
            // before one is markdown's emphasis.
            word.push_str("wildcard");
            flush(&mut word, &mut out);
        } else {
            flush(&mut word, &mut out);
            let next = chars.peek().copied().unwrap_or(' ');
            match c {
                '.' | ';' | '!' | '?' => out.push(vec![Vec::new()]),
                ',' | ':' | '(' | ')' | '[' | ']' | '\u{2013}' | '\u{2014}' => new_clause(&mut out),
                '-' if prev.is_whitespace() || next.is_whitespace() => new_clause(&mut out),
                _ => {}
            }
        }
        prev = c;
    }
    flush(&mut word, &mut out);
    for s in &mut out {
        s.retain(|c| !c.is_empty());
        // `alg none` names JWT's unsecured algorithm; its `none` negates nothing.
        for c in s.iter_mut() {
            aws_lambda(c);
            for k in 1..c.len() {
                if c[k] == "none" && matches!(c[k - 1].as_str(), "alg" | "algorithm" | "algorithms")
                {
                    c[k] = "algnone".to_owned();
                }
                // A certificate signed by a CA is the CA's signature on the certificate, not a
                // signature of the request: `a certificate signed by our internal CA`.
                if c[k] == "signed"
                    && (matches!(c[k - 1].as_str(), "certificate" | "certificates")
                        || c.get(k + 1).is_some_and(|n| n == "by")
                            && c[k + 1..]
                                .iter()
                                .take(5)
                                .any(|n| matches!(n.as_str(), "ca" | "cas" | "pki" | "authority")))
                {
                    c[k] = "casigned".to_owned();
                }
                // A pronoun that stands for the credential after a verb of needing or sending
                // one, or of skipping it: `web requests do not need one`, `production skips
                // it` say of the credential what they say of the pronoun.
                let next = c.get(k + 1).map(String::as_str);
                if c[k] == "one"
                    && next != Some("of")
                    && matches!(
                        c[k - 1].as_str(),
                        "need"
                            | "needs"
                            | "require"
                            | "requires"
                            | "send"
                            | "sends"
                            | "carry"
                            | "carries"
                            | "present"
                            | "presents"
                            | "provide"
                            | "provides"
                            | "without"
                    )
                    || matches!(c[k].as_str(), "it" | "them")
                        && matches!(
                            c[k - 1].as_str(),
                            "skip"
                                | "skips"
                                | "skipped"
                                | "bypass"
                                | "bypasses"
                                | "bypassed"
                                | "omit"
                                | "omits"
                                | "omitted"
                        )
                {
                    c[k] = "credential".to_owned();
                }
            }
        }
    }
    for s in &mut out {
        shared_subject(s);
    }
    out.retain(|s| !s.is_empty());
    out
}

/// `Lambda` the service, not the function: after `AWS` or a word that is no determiner
/// (`…, which Lambda checks`, `by Lambda's built-in support`), or before what only the
/// service has (`the Lambda console`). It checks nothing of a `NONE` URL's callers, so it is
/// read as `awslambda`, a checker elsewhere; `the Lambda`, `our Lambda function` and a
/// clause's first `Lambda` (engineers' word for their function) stay the function.
fn aws_lambda(c: &mut [String]) {
    for k in 1..c.len() {
        let (prev, next) = (c[k - 1].as_str(), c.get(k + 1).map_or("", String::as_str));
        let service = match c[k].strip_suffix("'s").unwrap_or(&c[k]) {
            "lambda" => {
                matches!(prev, "aws" | "amazon")
                    || matches!(
                        next,
                        "console" | "service" | "itself" | "built" | "builtin" | "natively"
                    )
                    || !matches!(
                        prev,
                        "the" | "our" | "this" | "a" | "my" | "your" | "each" | "its" | "their"
                    ) && function_word(prev)
                        && !matches!(next, "function" | "functions" | "handler" | "code")
            }
            _ => false,
        };
        if service {
            c[k] = "awslambda".to_owned();
        }
    }
}

/// The text with each `snake_case` or `SCREAMING_CASE` setting of the check read as a name,
/// `envvar`, which no rule reads (its value is [`setting_off`]'s to judge): its words are a
/// name, not prose (`verified unless VERIFY_TOKENS is false` says nothing is verified of
/// tokens; `SKIP_AUTH=false` skips nothing). Other identifiers keep their words (`the
/// X_API_KEY header` names an API key) but those that mark an unfinished state.
fn settings_as_names(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('_') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String, glued: bool| {
        if run.contains('_')
            && matches!(
                setting_kind(run, glued),
                Some(Setting::Switch | Setting::Skip)
            )
        {
            out.push_str("envvar");
        } else if run.split('_').filter(|p| !p.is_empty()).count() > 1 {
            // A name says nothing of time or of absence: the account `svc_wip` or the queue
            // `jobs_todo` defers nothing, the user `mai_ops` (Italian `never`) negates nothing,
            // so a word that alone marks an unfinished state or negates is left out.
            let kept: Vec<&str> = run
                .split('_')
                .filter(|p| {
                    let p = p.to_lowercase();
                    !negator(&p) && !deferral(&[vec![p]], false)
                })
                .collect();
            out.push_str(&kept.join("_"));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            run.push(c);
        } else {
            flush(&mut run, &mut out, c == '=');
            out.push(c);
        }
    }
    flush(&mut run, &mut out, false);
    out.into()
}

/// The text with each run of base64 material (24 or more of its characters, padded with `=`
/// or holding a digit and a letter) read as one word: `+` and `/` inside it separate no words
/// (`sha256:+aA0…+tbc+…=` holds no `TBC`).
fn base64_as_one(text: &str) -> std::borrow::Cow<'_, str> {
    let b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    // Cheap pre-filter: no run can be one without a `+` or `/` between letters.
    if !text.contains(['+', '/']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let material = run.len() >= 24
            && run.contains(['+', '/'])
            && (run.ends_with('=')
                || run.bytes().any(|b| b.is_ascii_digit())
                    && run.bytes().any(|b| b.is_ascii_alphabetic()));
        if material {
            out.extend(run.chars().filter(char::is_ascii_alphanumeric));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if b64(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out.into()
}

/// `text` with each whole-word `from` (no letter or digit on either side) written `to`.
fn joined_whole(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(k) = rest.find(from) {
        let before = rest[..k].chars().last().or_else(|| out.chars().last());
        let after = rest[k + from.len()..].chars().next();
        out.push_str(&rest[..k]);
        let whole =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(if whole { to } else { from });
        rest = &rest[k + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Clauses that lean on the one before: `… is implemented but switched off by a variable`
/// (a `but` clause with no subject of its own, opening on a state) says the state of the
/// previous clause's credential, which is put in as its subject; `no token, no answer` is a
/// refusal of what comes without one.
fn shared_subject(sentence: &mut [Vec<String>]) {
    for m in 1..sentence.len() {
        let (before, rest) = sentence.split_at_mut(m);
        // A refusal as a label (`Rejected: anything unsigned`) refuses what follows it.
        if let [label] = before[m - 1].as_slice()
            && enforcement(label)
        {
            let label = label.clone();
            rest[0].push(label);
        }
        let (prev, c) = (&before[m - 1], &mut rest[0]);
        // Past a pronoun for it: `…, but it's disabled in prod`.
        let second = c
            .iter()
            .skip(1)
            .find(|w| {
                !matches!(
                    w.as_str(),
                    "it's" | "it" | "is" | "they're" | "they" | "are" | "that's"
                )
            })
            .map_or("", String::as_str);
        let stateful = switched_off_state(second)
            || negating_state(second)
            || matches!(second, "switched" | "turned" | "not" | "pending" | "never")
            || second.ends_with("n't");
        if c.first().is_some_and(|w| w == "but")
            && stateful
            && let Some(term) = prev.iter().rev().find(|w| AUTH_TERMS.contains(&w.as_str()))
        {
            c.insert(1, term.clone());
        }
        if let ([no1, term], [no2, _]) = (prev.as_slice(), c.as_slice())
            && no1 == "no"
            && no2 == "no"
            && AUTH_TERMS.contains(&term.as_str())
        {
            let term = term.clone();
            before[m - 1] = vec!["without".to_owned(), term];
            rest[0] = vec!["rejected".to_owned()];
        }
    }
}

/// A sentence that opens with a pronoun (`… an API key is required; its value is not
/// compared with anything`) speaks of the sentence before: it is read as more clauses of it,
/// so what it says of the credential is said of the credential.
fn continued(sentences: Vec<Vec<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let mut out: Vec<Vec<Vec<String>>> = Vec::with_capacity(sentences.len());
    for s in sentences {
        let anaphoric = s.first().and_then(|c| c.first()).is_some_and(|w| {
            matches!(
                w.as_str(),
                "it" | "its" | "they" | "their" | "this" | "these"
            )
        });
        match out.last_mut() {
            Some(last) if anaphoric => last.extend(s),
            _ => out.push(s),
        }
    }
    out
}

fn new_clause(out: &mut [Vec<Vec<String>>]) {
    if let Some(s) = out.last_mut() {
        s.push(Vec::new());
    }
}

/// Words that name an authentication mechanism. Not mTLS or a client certificate: a Function
/// URL asks for none and hands the handler none (Lambda sets the event's
/// `requestContext.authentication` to null), and a certificate something in front copies into
/// a header is public, so anyone calling the URL directly can send it; nor is its absence a
/// gap (`no mTLS here`). A signature made with the certificate's key names the signature.
const MECHANISMS: &[&str] = &[
    "apikey",
    // The key set JWTs are verified with.
    "jwks",
    "apikeys",
    "token",
    "tokens",
    "bearer",
    "signature",
    "signatures",
    "signed",
    "signs",
    "signing",
    "hmac",
    "jwt",
    "jwts",
    "oauth",
    "oauth2",
    "oidc",
    "cognito",
    "password",
    "passwords",
    "session",
    "cookie",
    "cookies",
    "authorization",
    "sigv4",
    // OAuth's token introspection (RFC 7662).
    "introspection",
    "key",
    "keys",
];
const KEY_WORDS: &[&str] = &["key", "keys"];
/// A signature and a token in German, French, Spanish, Italian, Portuguese and Dutch.
const FOREIGN_MECHANISMS: &[&str] = &[
    "signatur",
    "signaturen",
    "firma",
    "firmas",
    "firme",
    "assinatura",
    "assinaturas",
    "handtekening",
    "handtekeningen",
    "jeton",
    "jetons",
];
/// `key` in French, German, Spanish, Italian, Portuguese and Dutch.
const FOREIGN_KEYS: &[&str] = &[
    "clé",
    "clés",
    "clef",
    "schlüssel",
    "clave",
    "claves",
    "chiave",
    "chiavi",
    "chave",
    "chaves",
    "sleutel",
    "sleutels",
];

/// Terms a negation or deferral of authentication is about.
const AUTH_TERMS: &[&str] = &[
    "auth",
    "authn",
    "authz",
    "authentication",
    "authenticated",
    "authenticate",
    "authenticates",
    "authenticating",
    "authorization",
    "authorisation",
    "authorized",
    "authorised",
    "apikey",
    "key",
    "keys",
    "token",
    "tokens",
    "signature",
    "signatures",
    "signing",
    "signed",
    "credential",
    "credentials",
    "login",
    "password",
    "passwords",
    "hmac",
    "jwt",
    "bearer",
    "oauth",
    "oidc",
    "cognito",
    "cookie",
    "session",
    "security",
    "secured",
    "protection",
    "protected",
    "verification",
    "validation",
    "introspection",
    "enforcement",
    "check",
    "checks",
    "checking",
    "checked",
    "verified",
    "validated",
];

/// Words that negate what they scope.
fn negator(w: &str) -> bool {
    matches!(
        w,
        "no" | "not"
            | "without"
            | "never"
            | "none"
            | "nobody"
            | "nothing"
            | "nor"
            | "nowhere"
            | "cannot"
            | "lacks"
            | "lacking"
            | "skip"
            | "skips"
            | "skipping"
            | "bypass"
            | "bypasses"
            | "bypassing"
            | "disable"
            | "disables"
            | "disabling"
    ) || w.ends_with("n't")
}

/// Verbs through which a negator reaches an authentication term: `does not check the key`.
fn auth_verb(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "check",
        "requir",
        "validat",
        "verif",
        "need",
        "ask",
        "use",
        "enforc",
        "hav",
        "has",
        "authenticat",
        "sign",
        "carr",
        "send",
        "sent",
        "present",
        "expect",
        "demand",
        "support",
        "implement",
        "perform",
        "do",
        "does",
        "did",
        "is",
        "are",
        "be",
        "been",
        "get",
        "got",
        "gets",
        "protect",
        "secur",
        "provid",
        "add",
        "enabl",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
}

/// Words allowed between a negator and the authentication term it scopes.
fn noun_phrase_filler(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "any"
            | "valid"
            | "real"
            | "proper"
            | "actual"
            | "kind"
            | "of"
            | "such"
            | "api"
            | "user"
            | "client"
            | "caller"
            | "callers"
            | "request"
            | "extra"
            | "additional"
            | "further"
            | "form"
            | "sort"
            | "longer"
            | "yet"
            | "at"
            | "all"
            | "access"
            | "bearer"
            | "http"
            | "header"
            | "one"
            | "really"
            | "even"
            | "being"
            // `… but not its signature`.
            | "its"
            | "their"
    )
}

/// Whether the words after `no <term>` go on to a verb about handling it (`is ever
/// accepted`, `is logged`) rather than ending or requiring it (`needed`, `is required`).
fn states_a_handling(after: &[String]) -> bool {
    after
        .iter()
        .map(String::as_str)
        .find(|w| {
            !matches!(
                *w,
                "is" | "are" | "was" | "were" | "ever" | "be" | "been" | "can" | "will"
            )
        })
        .is_some_and(|w| w.ends_with("ed") && !required_state(w) && !negating_state(w))
}

/// States after a term that negate it: `auth disabled`, `key optional` — the switched-off
/// states, and those saying the term is absent or not needed.
fn negating_state(w: &str) -> bool {
    switched_off_state(w)
        || matches!(
            w,
            "optional"
                | "bypass"
                | "bypasses"
                | "removed"
                | "unused"
                | "unnecessary"
                | "unneeded"
                | "missing"
                | "absent"
                | "omitted"
                | "dropped"
                | "ripped"
                | "stripped"
                | "scrapped"
                | "retired"
                | "abandoned"
                | "deprecated"
                | "none"
                | "na"
        )
}

/// States that say a term was switched off (`auth disabled`, `check paused`): unlike
/// `optional` or `missing`, these negate it from further on in its clause too (`keys with an
/// optional model limit` keeps its key).
fn switched_off_state(w: &str) -> bool {
    matches!(
        w,
        "disabled"
            | "off"
            | "paused"
            | "suspended"
            | "deactivated"
            | "relaxed"
            | "waived"
            | "reverted"
            | "skipped"
            | "bypassed"
            | "stubbed"
            | "mocked"
            | "faked"
            | "commented"
            | "unenforced"
            | "swallowed"
            | "silenced"
            | "muted"
            | "unchecked"
            | "unverified"
            | "unvalidated"
            | "noop"
            | "nowhere"
    )
}

/// Participles a negator after a term turns into absence: `key not required`.
fn required_state(w: &str) -> bool {
    matches!(
        w,
        "needed"
            | "required"
            | "checked"
            | "enforced"
            | "validated"
            | "verified"
            | "used"
            | "necessary"
            | "mandatory"
            | "applied"
            | "implemented"
            | "enabled"
            | "set"
            | "configured"
            | "present"
    )
}

/// Whether `word` is a form of a verb of putting protection in place: the verb as listed,
/// or inflected (`switched`, `switching`, `locks`, `wired`, `swapped`).
fn adding(word: &str) -> bool {
    let stems = [
        word.strip_suffix("ed"),
        word.strip_suffix('d'),
        word.strip_suffix("ing"),
        word.strip_suffix("es"),
        word.strip_suffix('s'),
    ];
    ADDING.contains(&word)
        || stems.into_iter().flatten().filter(|s| !s.is_empty()).any(|stem| {
            ADDING.contains(&stem)
                // A doubled final consonant (`swapped`, `setting`) is one.
                || stem.len() > 2
                    && stem.as_bytes()[stem.len() - 1] == stem.as_bytes()[stem.len() - 2]
                    && ADDING.contains(&&stem[..stem.len() - 1])
        })
        // `securing` is `secure`.
        || word
            .strip_suffix("ing")
            .is_some_and(|s| ADDING.contains(&format!("{s}e").as_str()))
}

/// Verbs of putting protection in place: `will add`, `until we enable`, `haven't wired`.
const ADDING: &[&str] = &[
    "add",
    "added",
    "adding",
    "adds",
    "enable",
    "enabled",
    "enabling",
    "implement",
    "implemented",
    "introduce",
    "introduced",
    "wire",
    "wired",
    "lock",
    "locked",
    "secure",
    "secured",
    "protect",
    "protected",
    "harden",
    "hardened",
    "restrict",
    "restricted",
    "setup",
    "set",
    "switch",
    "move",
    "migrate",
    "fix",
    "fixed",
    "turn",
    "restore",
    "reinstate",
    "enforce",
    "activate",
    "integrate",
    "bolt",
    "provision",
    "configure",
];

/// Words that state callers are not authenticated on their own.
fn open_state(w: &str) -> bool {
    matches!(
        w,
        "unauthenticated"
            | "anonymous"
            | "anonymously"
            | "unprotected"
            | "unsecured"
            | "insecure"
            | "unauthorised"
            | "unsigned"
            | "unchecked"
            | "unverified"
            | "unverifiable"
            | "unvalidated"
            | "unauthorized"
            | "keyless"
            | "authless"
            | "noauth"
    )
}

/// A sentence about refusing callers describes enforcement: `… without a key are rejected`,
/// `… get 402` (an HTTP client error status is a refusal).
fn enforcement(w: &str) -> bool {
    w.len() == 3 && w.starts_with('4') && w.bytes().all(|b| b.is_ascii_digit())
        || matches!(
            w,
            "reject"
                | "rejected"
                | "rejects"
                | "refuse"
                | "refused"
                | "refuses"
                | "deny"
                | "denied"
                | "denies"
                | "401"
                | "403"
                | "forbidden"
                | "blocked"
                | "blocks"
                | "fail"
                | "fails"
                | "failed"
                | "discard"
                | "discards"
                | "discarded"
                | "ignore"
                | "ignores"
                | "ignored"
                | "drop"
                | "drops"
                | "dropped"
        )
}

fn pair(c: &[String], first: &str, second: &[&str]) -> bool {
    c.windows(2)
        .any(|p| p[0] == first && second.contains(&p[1].as_str()))
}

/// What a response holds: the nouns public data is said of.
const CONTENT: &[&str] = &[
    "data",
    "information",
    "info",
    "content",
    "contents",
    "metadata",
    "status",
    "documents",
    "document",
    "docs",
    "files",
    "catalog",
    "catalogue",
    "feed",
    "page",
    "pages",
    "response",
    "responses",
    "answer",
    "answers",
    "output",
    "result",
    "results",
    "health",
    "version",
    "list",
    "lists",
    "price",
    "prices",
    "pricing",
    "schedule",
    "menu",
    "blog",
    "posts",
    "articles",
    "assets",
    "images",
    "calendar",
    "timetable",
    "rss",
    "atom",
    "dataset",
    "datasets",
    "statistics",
    "stats",
    "weather",
    "changelog",
    "schema",
    "schemas",
    "rates",
    "quotes",
    "forecast",
    "forecasts",
    "news",
    "announcements",
    "listings",
    "holidays",
    "maps",
    "tiles",
    "fonts",
    "icons",
    "translations",
    "spec",
    "specification",
    "documentation",
];

/// Says the response is public: `public data`, `no secrets`, `the page is public`.
fn public_data(c: &[String]) -> bool {
    let w = |i: usize| c.get(i).map_or("", String::as_str);
    (0..c.len()).any(|i| {
        (w(i) == "public" || w(i) == "publicly")
            // The noun phrase's head, past its modifiers: `public price list`, `public
            // payout-rail availability calendar` (not `public URL data`, `public until …`).
            && (i + 1..c.len().min(i + 6))
                .take_while(|&k| {
                    k == i + 1
                        || !(exposure(w(k - 1))
                            || function_word(w(k - 1))
                            || negator(w(k - 1))
                            || AUTH_TERMS.contains(&w(k - 1))
                            || CONTENT.contains(&w(k - 1)))
                })
                .any(|k| CONTENT.contains(&w(k)) && !exposure(w(i + 1)))
            || (w(i) == "publicly" && w(i + 1) == "available")
            // Shown where anyone reads it: `the prices shown on our public website`.
            || w(i) == "public"
                && matches!(w(i + 1), "website" | "site" | "homepage" | "docs" | "documentation" | "page")
                && c[..i].iter().rev().take(4).any(|y| {
                    matches!(y.as_str(), "shown" | "published" | "displayed" | "listed" | "printed" | "posted")
                })
            // The other languages' `public`, beside what it qualifies — after it in German
            // and Dutch (`öffentliche Daten`, `openbare dienstregeling`), before it in French,
            // Spanish, Italian and Portuguese (`données publiques`, `datos públicos`) — when
            // that is no URL, endpoint or API (`la API es pública`).
            || foreign_public(w(i))
                && ![w(i.wrapping_sub(2)), w(i.wrapping_sub(1)), w(i + 1)]
                    .iter()
                    // Past an elided article: `l'URL`, `dell'endpoint`.
                    .any(|y| exposure(y.rsplit('\'').next().unwrap_or(y)))
            // What it serves, called public, past its modifiers to the head of its noun phrase:
            // `it serves the public CRL of our CA`, `returns the public API documentation`
            // (not `the public API`, `the public URL`).
            || w(i) == "public"
                && c[..i].iter().rev().take(3).any(|y| {
                    matches!(
                        y.as_str(),
                        "serves" | "serve" | "serving" | "returns" | "return" | "publishes"
                            | "provides" | "shows" | "answers"
                    )
                })
                && (i + 1..c.len().min(i + 5))
                    .take_while(|&k| !function_word(w(k)) && !negator(w(k)))
                    .last()
                    // A key it serves called public is a public key, public by design
                    // (`our public PGP key`).
                    .is_some_and(|k| {
                        !exposure(w(k))
                            && (!AUTH_TERMS.contains(&w(k)) || matches!(w(k), "key" | "keys"))
                    })
            // `open data`: data published for anyone to use.
            || w(i) == "open" && matches!(w(i + 1), "data" | "dataset" | "datasets")
            // `public by design`, `by definition`: what it serves is meant for anyone.
            || w(i) == "public"
                && w(i + 1) == "by"
                && matches!(w(i + 2), "design" | "definition" | "nature")
            || (w(i) == "no" || w(i) == "nothing") && matches!(w(i + 1), "secrets" | "secret")
            || matches!(w(i), "nonsensitive" | "non") && w(i + 1) == "sensitive"
            || w(i) == "non" && w(i + 1) == "sensitive"
            || matches!(w(i), "is" | "are")
                && w(i + 1) == "public"
                && i > 0
                && (CONTENT.contains(&w(i - 1))
                    // `content here is public`
                    || i > 1 && matches!(w(i - 1), "here" | "served" | "returned" | "itself") && CONTENT.contains(&w(i - 2))
                    // `the catalogue that is public`
                    || i > 1 && matches!(w(i - 1), "that" | "which") && CONTENT.contains(&w(i - 2)))
    })
}

/// `public` in German, French, Spanish, Italian, Portuguese and Dutch, in their inflections.
fn foreign_public(w: &str) -> bool {
    ["öffentlich", "publique", "públic", "pubblic", "openba"]
        .iter()
        .any(|p| w.starts_with(p))
        || w == "publics"
}

/// What a public URL exposes, never what it serves: `public URL data` is not public data.
fn exposure(w: &str) -> bool {
    matches!(
        w,
        "url"
            | "urls"
            | "endpoint"
            | "endpoints"
            | "api"
            | "apis"
            | "function"
            | "lambda"
            | "access"
    )
}

/// What a clause defers when it is neither authentication nor its absence: an extra measure on
/// top of it (`mTLS will be added later as a second factor`) or the keys' upkeep (`automating
/// key rotation is a TODO`, `the key list moves to DynamoDB later`).
fn extra_or_upkeep(clause: &[String]) -> bool {
    clause.iter().any(|w| {
        matches!(
            w.as_str(),
            "second"
                | "additional"
                | "additionally"
                | "extra"
                | "factor"
                | "rotation"
                | "rotated"
                | "rotate"
                | "rotates"
                | "rotating"
                | "issue"
                | "issues"
                | "issuing"
                | "automating"
                | "automation"
                | "automated"
                | "list"
                | "store"
                | "storage"
                | "dashboard"
                | "dashboards"
                | "monitoring"
                | "alerting"
                | "metrics"
                | "limiting"
                | "limit"
                | "limits"
                | "quota"
                | "quotas"
                | "throttling"
                | "caching"
                // What a risk beside today's check is about: `the accepted risk is only the
                // cold-start latency`.
                | "latency"
                | "performance"
                | "cost"
                | "costs"
                | "throughput"
        )
    }) && !negation(&[clause.to_vec()])
        && !clause
            .iter()
            .any(|w| open_state(w) || matches!(w.as_str(), "open" | "public" | "publicly"))
}

/// Verbs of putting protection in place in the other languages read, as infinitive or
/// participle: `será adicionada`, `da implementare`, `wird eingeführt`.
fn foreign_adding(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "adicion",
        "añad",
        "agreg",
        "aggiun",
        "implement",
        "implément",
        "ajout",
        "hinzugefügt",
        "hinzufüg",
        "eingeführt",
        "einführ",
        "aktivier",
        "activ",
        "attiv",
        "toegevoegd",
        "toevoeg",
        "geïmplementeerd",
        "introdu",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
}

/// Words that mark an unfinished state wherever they stand (unless negated): `TODO`, `wip`,
/// `temporarily`, `for the demo`'s `demo`.
const UNFINISHED: &[&str] = &[
    "todo",
    "fixme",
    "tbd",
    "tbc",
    "wip",
    "xxx",
    "hack",
    "hacky",
    "temporarily",
    "temp",
    "meanwhile",
    "interim",
    "placeholder",
    "eventually",
    "someday",
    "stopgap",
    "provisionally",
    "provisional",
    "demo",
    "demos",
    "poc",
    "hackathon",
    "prototype",
    "prototyping",
    "planned",
    "upcoming",
    "forthcoming",
    // A wish or a plan's order is not a fact: `ideally the handler would verify`,
    // `deprioritised this quarter`.
    "ideally",
    "deprioritised",
    "deprioritized",
    // Work planned elsewhere is work not done.
    "postponed",
    "deferred",
    "descoped",
    "parked",
    "backlog",
    "roadmap",
    "followup",
    "wishlist",
    // Other languages' `temporarily`, `for now`, `later`, `soon`, `retrofitted`.
    "vorübergehend",
    "zeitweise",
    "vorerst",
    "später",
    "demnächst",
    "nachgerüstet",
    "nachrüsten",
    "temporairement",
    "provisoirement",
    "bientôt",
    "ultérieurement",
    "temporalmente",
    "provisionalmente",
    "temporaneamente",
    "provvisoriamente",
    "temporariamente",
    "provisoriamente",
    "tijdelijk",
    "voorlopig",
    "binnenkort",
    // `provisionally`, `for the time being`, `temporary`
    "vorläufig",
    "provisorisch",
    "temporär",
    "provisorio",
    "provisoria",
    "provvisorio",
    "provvisoria",
    "provisório",
    "provisória",
    "temporário",
    "temporária",
    "temporanea",
    "temporaneo",
    "temporaire",
    // `will arrive`, `will come`, `next`
    "llegará",
    "llegarán",
    "vendrá",
    "vendrán",
    "chegará",
    "chegarão",
    "virá",
    "arriverà",
    "arriveranno",
    "verrà",
    "arrivera",
    "arriveront",
    "viendra",
    "viendront",
    "próximo",
    "próxima",
    "prochain",
    "prochaine",
    "prossimo",
    "prossima",
    "nächsten",
    "nächste",
    "nächster",
    "volgende",
    // `planned`
    "geplant",
    "gepland",
    "pianificato",
    "pianificata",
    "planificado",
    "planificada",
    "planejado",
    "planejada",
];

/// An unfinished state anywhere in the sentence. With `excusable` (another sentence enforces
/// a mechanism now), a marker in a clause about an extra measure or the keys' upkeep is not
/// one: authentication is in place and something else is pending.
fn deferral(sentence: &[Vec<String>], excusable: bool) -> bool {
    let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
    let w = |i: usize| words.get(i).copied().unwrap_or("");
    const EVENTS: &[&str] = &[
        "launch",
        "launches",
        "launched",
        "launching",
        "release",
        "released",
        "golive",
        "go",
        "ga",
        "demo",
        "demos",
        "beta",
        "pilot",
        "mvp",
        "production",
        "prod",
        "rollout",
        "cutover",
        "migration",
        "ready",
        "available",
        "deadline",
        "review",
        "audit",
        "pentest",
        "signoff",
        "sprint",
        "lands",
        "land",
        "landed",
        "ships",
        "ship",
        "arrives",
        "arrive",
        "merged",
        "finished",
        "deploy",
        "deploys",
        "deployed",
        "deployment",
        "redeploy",
        "upgrade",
        "upgraded",
        "live",
        "freeze",
    ];
    const PURPOSES: &[&str] = &[
        "testing",
        "test",
        "tests",
        "debugging",
        "debug",
        "development",
        "dev",
        "trial",
        "experiment",
        "experiments",
        "experimenting",
        "qa",
        "showcase",
        "presentation",
        "mvp",
        "beta",
        "pilot",
        "onboarding",
        "conference",
        "hackathon",
        "workshop",
    ];
    const CREDENTIALS: &[&str] = &[
        "credential",
        "credentials",
        "token",
        "tokens",
        "key",
        "keys",
        "session",
        "sessions",
        "password",
        "passwords",
        "certificate",
        "certificates",
        "signature",
        "signatures",
    ];
    // The clause of word `i` and the words after `i` in it, for `until`: `auth disabled
    // until Friday`, but not `keys rotate until revoked (callers … set at sign-in)`.
    let clause_of = |i: usize| {
        let mut n = i;
        for c in sentence {
            if n < c.len() {
                return (c.as_slice(), &c[n + 1..]);
            }
            n -= c.len();
        }
        (&[][..], &[][..])
    };
    // One past the last word of word `i`'s clause, in `words`.
    let clause_end = |i: usize| i + 1 + clause_of(i).1.len();
    (0..words.len()).any(|i| {
        let x = w(i);
        let (clause, tail) = clause_of(i);
        let marker = UNFINISHED.contains(&x)
            // `no bypass, not even temporarily`, `there is no TODO`, `nothing here is
            // temporary` negate the marker.
            && !negated_marker(clause, clause.len() - tail.len() - 1)
            // How long a failure of something lasts, in a reason that refuses then: `if the
            // JWKS endpoint is temporarily unavailable, requests are rejected`, `fällt der
            // Schlüsseldienst vorübergehend aus, lehnt der Handler alle Anfragen ab`.
            && !(TEMPORARILY.contains(&x)
                && failure_named(clause)
                && (excusable || words.iter().any(|y| enforcement(y) || foreign_refusal(y))))
            // Temporary credentials (STS, Cognito identity pools) are a mechanism.
            // (`temporary STS credentials`: past the credential's issuer or kind too.)
            // Nor is a short failure of something else (`a temporary outage of the JWKS
            // endpoint`).
            || x == "temporary" && !tail.iter().take(3).any(|y| CREDENTIALS.contains(&y.as_str()))
                && !tail.iter().take(2).any(|y| matches!(y.as_str(), "outage" | "outages" | "failure" | "failures" | "error" | "errors" | "glitch" | "glitches" | "unavailability" | "timeout" | "timeouts"))
                && !negated_marker(clause, clause.len() - tail.len() - 1)
            || matches!(x, "pending" | "awaiting") && clause_of(i).0.iter().any(|y| AUTH_TERMS.contains(&y.as_str()))
            // `pending` in Portuguese, Spanish and German, beside their word for authentication.
            || matches!(x, "pendente" | "pendentes" | "pendiente" | "pendientes" | "ausstehend")
                && clause_of(i).0.iter().any(|y| {
                    AUTH_TERMS.contains(&y.as_str()) || y.starts_with("autent") || y.starts_with("authentif")
                })
            // `JWT checks come online with the migration`.
            || matches!(x, "come" | "comes") && w(i + 1) == "online"
            || x == "for" && w(i + 1) == "now"
            || x == "for" && w(i + 1) == "the" && w(i + 2) == "time" && w(i + 3) == "being"
            || x == "in" && w(i + 1) == "the" && w(i + 2) == "meantime"
            || x == "later" && !matches!(w(i + 1), "in" | "than" | "during" | "within" | "by" | "stage" | "step" | "steps")
                // A retry or redelivery happens later by definition: `Stripe retries failed
                // deliveries later`.
                && !clause.iter().any(|y| {
                    ["retr", "redeliver", "resend", "resent"].iter().any(|s| y.starts_with(s))
                })
            || x == "soon" && !(i > 0 && w(i - 1) == "as")
            // Past a modifier: `the next hardening pass`, `the next security sprint`.
            || x == "next" && matches!(w(i + 2), "pass" | "sprint" | "release" | "iteration" | "cycle" | "round" | "milestone" | "phase")
            || x == "next" && matches!(w(i + 1), "sprint" | "release" | "week" | "month" | "quarter" | "iteration" | "version" | "phase" | "milestone"
                | "deploy" | "deployment" | "rollout" | "cycle" | "year" | "update" | "patch")
            // Not yet delivered: `on a branch that has not been merged`, `unreleased`.
            || (negator(x)
                && words[i + 1..]
                    .iter()
                    .find(|y| !matches!(**y, "be" | "been" | "is" | "are" | "yet" | "fully" | "actually"))
                    .is_some_and(|y| matches!(*y, "merged" | "deployed" | "released" | "shipped" | "live" | "landed"
                        | "started" | "begun" | "finished" | "completed" | "complete"))
                || matches!(x, "unmerged" | "undeployed" | "unreleased" | "unshipped"))
                && !clause.iter().any(|y| enforcement(y))
            || x == "yet" && words[..i].iter().any(|y| negator(y))
            || x == "still" && matches!(w(i + 1), "missing" | "lacks" | "lacking" | "todo" | "to" | "open" | "public")
            || x == "for" && matches!(w(i + 1), "the" | "a") && matches!(w(i + 2), "moment" | "while" | "bit")
            || x == "short" && w(i + 1) == "term"
            || x == "quick" && matches!(w(i + 1), "fix" | "hack" | "workaround")
            || x == "future" && !matches!(w(i + 1), "proof")
            || x == "coming" && w(i + 1) != "from"
            || x == "to" && matches!(w(i + 1), "follow" | "come" | "land" | "ship" | "arrive")
            || x == "follow" && w(i + 1) == "up"
            || x == "known" && matches!(w(i + 1), "gap" | "issue" | "limitation")
            || x == "accepted" && w(i + 1) == "risk"
            || x == "stretch" && matches!(w(i + 1), "goal" | "goals")
            || x == "waiting" && matches!(w(i + 1), "on" | "for")
            || x == "nice" && w(i + 1) == "to" && w(i + 2) == "have"
            // `plus tard`, `por ahora`, `per ora`, `pas encore`, `noch nicht`, `en attendant`.
            || matches!((x, w(i + 1)), ("plus" | "más" | "più" | "mais", "tarde" | "tard" | "tardi")
                | ("por" | "per", "ahora" | "ora" | "enquanto")
                | ("de" | "pour", "momento" | "moment")
                | ("pas" | "noch" | "nog" | "todavía" | "aún" | "ainda" | "ancora", "encore" | "nicht" | "niet" | "no" | "não" | "non")
                | ("en", "attendant")
                | ("pour", "l'instant")
                | ("em", "breve")
                | ("da", "fare")
                // `to do`: `à faire`, `por hacer`, `a fazer`, `nog te doen`, `zu erledigen`.
                | ("à" | "a", "faire" | "fazer")
                | ("por", "hacer")
                | ("te", "doen")
                | ("zu", "erledigen"))
            // A ticket for putting protection in place: `see ticket ABC-123 to add auth`.
            || matches!(x, "ticket" | "tickets" | "jira" | "issue" | "story")
                && (i + 1..i + 6).any(|k| w(k) == "to" && (adding(w(k + 1)) || checking(w(k + 1))))
            // `also during the beta` holds beyond it.
            || matches!(x, "for" | "during" | "while" | "in" | "just" | "only")
                && !matches!(w(i.wrapping_sub(1)), "also" | "even" | "including")
                && (PURPOSES.contains(&w(i + 1))
                    || matches!(w(i + 1), "the" | "a" | "an" | "our" | "we") && PURPOSES.contains(&w(i + 2))
                    // Past a modifier of the purpose: `for load testing`, `during the load test`.
                    || matches!(x, "for" | "during")
                        && (PURPOSES.contains(&w(i + 2)) && !matches!(w(i + 1), "integration" | "unit" | "automated" | "the" | "a" | "an" | "our" | "we")
                            || matches!(w(i + 1), "the" | "a" | "an" | "our") && PURPOSES.contains(&w(i + 3))))
            || x == "proof" && w(i + 1) == "of" && w(i + 2) == "concept"
            // The event may stand past its determiner and modifiers: `after the security
            // review`, `before the v2 partner launch`.
            || matches!(x, "before" | "after")
                && (tail.iter().take(2).any(|y| EVENTS.contains(&y.as_str()))
                    // Further on, only for a state that starts there: not `keys issued after a
                    // security review`.
                    || tail.iter().skip(2).take(2).any(|y| EVENTS.contains(&y.as_str()))
                        && clause[..clause.len() - tail.len() - 1].iter().any(|y| activation(y)))
            // A state that starts with a launch: `turned on at general availability`, `when
            // the partner portal launches`, `upon release`.
            // Only for a state that starts there (`keys are issued at release time`, `when a
            // release is published GitHub calls us` start nothing).
            || matches!(x, "at" | "upon" | "when" | "whenever")
                && tail.iter().take(5).any(|y| LAUNCHES.contains(&y.as_str()))
                && clause[..clause.len() - tail.len() - 1].iter().any(|y| activation(y))
            // An intent told as a plan: `at least that is the plan`, `the plan is to verify`.
            || x == "plan"
                && matches!(w(i.wrapping_sub(1)), "the" | "our" | "a" | "my")
                && (i + 1 == clause_end(i) || w(i + 1) == "is" && w(i + 2) == "to")
            // `after the partner portal is ready`: waiting on something still to be finished
            // (not the order of work in a request: `before any work is done`).
            || x == "after"
                && tail.windows(2).take(6).any(|p| {
                    matches!(p[0].as_str(), "is" | "are")
                        && matches!(p[1].as_str(), "ready" | "live" | "finished" | "merged"
                            | "deployed" | "shipped" | "complete" | "completed" | "built")
                })
            || modal(x, w(i + 1))
                && words[i + 1..].iter().take(5).any(|y| adding(y) || *y == "set")
            // A future or a wish of checking is no check today (`will require API keys`, `the
            // handler would verify`, `would be good to have`); a future refusal is the rule's
            // statement (`requests without a key will be rejected`).
            || (future(x, w(i + 1)) || x == "would")
                && words[i + 1..].iter().take(4).any(|y| {
                    checking(y) || adding(y) || x == "would" && matches!(*y, "good" | "nice" | "great" | "better")
                        // A requirement still to come: `callers will need a key`, `keys will
                        // be required`.
                        || matches!(
                            *y,
                            "need" | "needs" | "needed" | "required" | "necessary" | "mandatory"
                        )
                })
                && !clause.iter().any(|y| enforcement(y))
            // A check not yet decided on: `we haven't decided whether to verify them`.
            || x == "whether"
                && (w(i + 1) == "to" && (checking(w(i + 2)) || adding(w(i + 2)))
                    || w(i + 1) == "or" && w(i + 2) == "not" && w(i + 3) == "to")
            // A condition contrary to fact: `the handler would reject unsigned requests if the
            // flag were enabled` — the flag is not.
            || x == "if"
                && tail.windows(2).take(5).any(|p| {
                    p[0] == "were" && (activation(&p[1]) || matches!(p[1].as_str(), "on" | "set" | "configured" | "deployed"))
                })
            // Work under way: `is being added`, `are being provisioned`.
            || x == "being" && matches!(w(i.wrapping_sub(1)), "is" | "are") && adding(w(i + 1))
            // Reaching the deployment under way: `checks are live in staging and are being
            // promoted to production`.
            || x == "being"
                && matches!(
                    w(i + 1),
                    "promoted" | "rolled" | "deployed" | "released" | "shipped" | "extended" | "propagated"
                )
                && words[..i].iter().any(|y| {
                    AUTH_TERMS.contains(y) || checking(y) || matches!(*y, "checks" | "check")
                })
            // A check that follows, with nothing after it: `verification follows`, `auth will
            // follow` (not `verification follows the Standard Webhooks spec`).
            || matches!(x, "follows" | "follow")
                && matches!(
                    w(i.wrapping_sub(1)),
                    "verification" | "validation" | "authentication" | "auth" | "check" | "checks"
                        | "checking" | "enforcement" | "signing" | "will"
                )
                && matches!(w(i + 1), "" | "later" | "soon" | "shortly")
            || x == "in" && w(i + 1) == "the" && w(i + 2) == "works"
            // Putting it in place under way: `we're adding HMAC checks this month`, `is
            // introducing`.
            || x.ends_with("ing")
                && adding(x)
                && matches!(w(i.wrapping_sub(1)), "we're" | "are" | "is" | "currently" | "they're")
                && clause.iter().any(|y| AUTH_TERMS.contains(&y.as_str()))
                && !clause.iter().any(|y| enforcement(y))
            // Putting it in place under way: `we're rolling out JWT validation`.
            || matches!(x, "rolling" | "phasing") && matches!(w(i + 1), "out" | "in")
            // `over the next few weeks`, `in the coming months`.
            || matches!(x, "next" | "coming")
                && matches!(w(i + 1), "few" | "couple" | "two" | "three")
                && (i + 2..i + 4).any(|k| matches!(w(k), "weeks" | "months" | "sprints" | "days" | "quarters" | "releases"))
            // The future of checking in the other languages read: `validaremos`, `vérifierons`.
            || foreign_future_check(x)
            || x == "una" && w(i + 1) == "vez" && w(i + 2) == "que"
            || x == "target" && matches!(w(i + 1), "state" | "architecture" | "design" | "date")
            || x == "eta" && !clause.iter().any(|y| enforcement(y))
            // `phase 2`, `the second phase`: a later phase of the work.
            || x == "phase" && matches!(w(i + 1), "2" | "3" | "4" | "two" | "three" | "ii" | "iii")
            || x == "tracked"
                && matches!(w(i + 1), "in" | "as" | "under" | "by")
                && (i + 2..i + 4).any(|k| matches!(w(k), "jira" | "ticket" | "issue" | "story" | "epic" | "linear" | "backlog"))
            // A state lasting through an event: `public only during the migration window`.
            || x == "during" && tail.iter().take(2).any(|y| EVENTS.contains(&y.as_str()))
            || matches!((x, w(i + 1)), ("más" | "mais", "adelante" | "adiante") | ("più", "avanti"))
            // `will come with the auth service`: authentication arriving later.
            || modal(x, w(i + 1))
                && words[i + 1..].iter().take(3).any(|y| matches!(*y, "come" | "arrive" | "ship" | "land"))
            // Work under way is work not done: `the key check is in progress`.
            || (x == "in" && w(i + 1) == "progress" || matches!(x, "underway" | "ongoing"))
                && clause[..clause.len() - tail.len()]
                    .iter()
                    .any(|y| AUTH_TERMS.contains(&y.as_str()))
            // A state that starts at a version or date: `keys are mandatory from v2 on`,
            // `starting Q3`, `as of the next release`.
            // The same in the other languages read: `erst ab Version 2`, `vanaf v2`, `à partir
            // de la v2`, `a partire dalla versione 2`.
            || (matches!(x, "starting" | "effective" | "from" | "ab" | "vanaf")
                || x == "as" && w(i + 1) == "of"
                || matches!(x, "partir" | "partire"))
                && {
                    let mut k = if x == "as" { i + 2 } else { i + 1 };
                    while matches!(w(k), "de" | "da" | "do" | "la" | "del" | "della" | "dalla" | "dal" | "du" | "dem" | "der") {
                        k += 1;
                    }
                    // `from the next major version on`: a version still to come.
                    let from_next = w(k) == "the" && (w(k + 1) == "next" || FOREIGN_NEXT.contains(&w(k + 1)));
                    let numbered = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.');
                    let version = w(k).strip_prefix('v').is_some_and(numbered)
                        || matches!(w(k), "version" | "versión" | "versão" | "versione" | "versie" | "release")
                            && numbered(w(k + 1));
                    // `from 2024` may be past; `from v2` is a version still to come.
                    version
                        || from_next
                        || x != "from"
                            && (period(w(k)) || EVENTS.contains(&w(k)) || w(k) == "next"
                                || FOREIGN_NEXT.contains(&w(k)))
                }
            // A check that resumes is off until then: `key checks resume after the review`.
            || matches!(x, "resume" | "resumes")
                && clause.iter().any(|y| AUTH_TERMS.contains(&y.as_str()))
            || x == "at" && w(i + 1) == "some" && w(i + 2) == "point"
            || x == "down" && w(i + 1) == "the" && matches!(w(i + 2), "line" | "road")
            || x == "in" && w(i + 1) == "due" && w(i + 2) == "course"
            || x == "get" && matches!(w(i + 1), "round" | "around") && w(i + 2) == "to"
            // An intent is no fact: `we plan to verify`, `aim to require` (not `intend to keep
            // requiring`).
            || matches!(x, "plan" | "plans" | "planning" | "intend" | "intends" | "intending"
                | "aim" | "aims" | "aiming" | "hope" | "hopes" | "hoping")
                && w(i + 1) == "to"
                && !matches!(w(i + 2), "keep" | "continue" | "stay" | "remain" | "maintain")
                && words[i + 1..].iter().take(5).any(|y| {
                    adding(y) || auth_verb(y) || enforced(y) || required_state(y)
                })
            // A check that starts once something still to finish has finished: `enforcement
            // starts when the partners have migrated` (a perfect of the future; not the order
            // of work in a request: `the check starts after the body is parsed`).
            || matches!(x, "starts" | "start" | "begins" | "begin" | "kicks" | "applies")
                && words[..i].iter().any(|y| AUTH_TERMS.contains(y) || checking(y))
                && words[i + 1..].iter().take(3).any(|y| matches!(*y, "when" | "once" | "after"))
                && words[i + 1..].iter().take(10).collect::<Vec<_>>().windows(2).any(|p| {
                    matches!(*p[0], "have" | "has")
                        && (p[1].ends_with("ed") || p[1].ends_with("en") || EVENTS.contains(p[1]))
                })
            // A requirement that starts with an event: `keys become mandatory with v2`.
            || matches!(x, "become" | "becomes" | "becoming")
                && words[i + 1..].iter().take(3).any(|y| {
                    required_state(y) || enforced(y) || matches!(*y, "active" | "live" | "effective")
                })
            || matches!(x, "go" | "goes" | "going") && w(i + 1) == "live"
            // Authentication arriving: `the signature check ships after …`, `verifying it
            // lands with PAY-412` (the act of checking as the subject, too).
            || matches!(x, "ships" | "lands" | "arrives" | "launches")
                && words[i.saturating_sub(3)..i].iter().any(|y| AUTH_TERMS.contains(y) || checking(y))
            // Work tracked in a ticket is work not done: `key verification is tracked in SEC-9`.
            || x == "tracked"
                && matches!(w(i + 1), "in" | "under" | "by" | "as" | "on" | "via")
                && words[..i].iter().any(|y| AUTH_TERMS.contains(y) || checking(y))
            || x == "blocked" && matches!(w(i + 1), "on" | "by")
            || matches!(x, "scheduled" | "slated" | "targeted" | "earmarked" | "due")
                && matches!(w(i + 1), "for" | "in" | "by" | "with" | "after" | "before" | "next" | "once")
            // The other languages' futures and `still to do` of adding it: `será adicionada`,
            // `da implementare`, `noch zu aktivieren`.
            || matches!(x, "será" | "serán" | "sarà" | "saranno" | "sera" | "seront" | "zal" | "zullen")
                && words[i + 1..].iter().take(4).any(|y| foreign_adding(y))
            || matches!(x, "da" | "por" | "à" | "te" | "zu") && foreign_adding(w(i + 1))
            // Their `later`, closing its clause: `… será adicionada depois`.
            || matches!(x, "depois" | "después" | "dopo" | "luego" | "ensuite" | "danach" | "daarna")
                && tail.is_empty()
            || x == "to" && w(i + 1) == "be" && adding(w(i + 2))
            // An elliptic future: `(well, it will be after PLAT-2231 merges)` — the state said
            // before, not yet.
            || future(x, w(i + 1))
                && w(i + 1) == "be"
                && matches!(w(i + 2), "after" | "once" | "when" | "soon" | "from" | "by" | "")
            || (matches!(x, "until" | "till" | "til" | "untill" | "once")
                || x == "as" && w(i + 1) == "soon" && w(i + 2) == "as")
                // `until 2025 this endpoint used IAM auth`: a state that has ended.
                && !clause.iter().any(|y| matches!(y.as_str(), "used" | "was" | "were" | "had"))
                && (negation(&[clause.to_vec()])
                    || tail
                        .iter()
                        .any(|y| adding(y) || EVENTS.contains(&y.as_str()) || period(y))
                    // Work to finish: `until the Cognito integration is done`.
                    || tail.windows(2).any(|p| {
                        matches!(p[0].as_str(), "is" | "are" | "gets" | "has" | "have")
                            && matches!(
                                p[1].as_str(),
                                "done" | "finished" | "complete" | "completed" | "ready" | "integrated"
                                    | "configured" | "wired" | "built" | "merged" | "deployed"
                                    | "shipped" | "live" | "over" | "rolled" | "released"
                                    | "approved" | "published"
                            )
                    }));
        let at = clause.len() - tail.len() - 1;
        // A marker standing for something else: the refused credential or a named content.
        // Or, beside a mechanism, a demo named as a thing of its own (`the demo
        // environment has its own stack`), not as what this URL is for.
        let other_thing = (excusable || names_own_mechanism(sentence))
            && matches!(x, "demo" | "demos" | "prototype" | "poc" | "sandbox")
            // `demo` before a noun qualifies it (`the demo UI`, `the demo tenant`); before a
            // time (`the demo day`) or nothing it is the event.
            && !w(i + 1).is_empty()
            && !w(i + 1).bytes().any(|b| b.is_ascii_digit())
            && !function_word(w(i + 1))
            && !period(w(i + 1))
            && !matches!(w(i + 1), "day" | "days" | "week" | "weekend" | "night" | "window" | "phase" | "time" | "period" | "mode" | "purposes" | "purpose" | "only")
            // `for the demo environment and production alike`: one place among others.
            && (matches!(w(i + 2), "and" | "or" | "as")
                && words[i + 3..].iter().take(3).any(|y| {
                    matches!(*y, "production" | "prod" | "staging" | "live" | "every" | "all" | "other" | "alike")
                })
                || !clause[..at].iter().rev().take(2).any(|y| matches!(y.as_str(), "for" | "during" | "in" | "while" | "until"))
                // `even in the demo stage`: the check holds there too.
                || clause[..at].iter().rev().take(4).any(|y| matches!(y.as_str(), "even" | "also" | "including")));
        // `until` after a refusal bounds the refusal: `a suspended key gets 402 until the
        // invoice is paid`.
        let refusal_lasts = matches!(x, "until" | "till" | "til" | "untill")
            && clause[..at].iter().any(|y| enforcement(y));
        // An app named for the marker: `the TODO app`, `a todo list app` (not `on the todo
        // list`, where the work waits).
        let app = |n: &str| matches!(n, "app" | "apps" | "application" | "manager" | "tracker");
        let todo_thing = x == "todo"
            && tail.first().is_some_and(|n| {
                app(n)
                    || matches!(n.as_str(), "list" | "lists")
                        && tail.get(1).is_some_and(|n| app(n) || n == "backend")
            });
        // Before an event and after it is always: `before launch and after it alike`.
        let always = matches!(x, "before" | "after")
            && clause.iter().any(|y| y == "before")
            && clause.iter().any(|y| y == "after");
        // A period a content covers: `the holiday calendar for next year`.
        let covered = x == "next"
            && at >= 2
            && matches!(clause[at - 1].as_str(), "for" | "of")
            && CONTENT.contains(&clause[at - 2].as_str());
        let other_sense = describes_refused(clause, at)
            || names_content(clause, at, sentence.iter().any(|c| public_data(c)))
            || other_thing
            || refusal_lasts
            || todo_thing
            || always
            || covered;
        marker && !(excusable && extra_or_upkeep(clause)) && !other_sense
    })
}

/// `temporarily` in the languages read.
const TEMPORARILY: &[&str] = &[
    "temporarily",
    "vorübergehend",
    "zeitweise",
    "temporairement",
    "temporalmente",
    "temporaneamente",
    "temporariamente",
    "tijdelijk",
];

/// Whether a clause names a failure of something (an outage, being unreachable, timing out),
/// in the languages read.
fn failure_named(clause: &[String]) -> bool {
    let has = |w: &str| clause.iter().any(|y| y == w);
    clause.iter().any(|y| {
        matches!(
            y.as_str(),
            "outage"
                | "outages"
                | "down"
                | "unavailable"
                | "unreachable"
                | "unresponsive"
                | "failure"
                | "failures"
                | "timeout"
                | "timeouts"
                | "ausfall"
                | "ausfällt"
                | "unerreichbar"
                | "störung"
                | "gestört"
                | "panne"
                | "indisponible"
                | "injoignable"
                | "caída"
                | "caído"
                | "inaccesible"
                | "guasto"
                | "irraggiungibile"
                | "falha"
                | "indisponível"
                | "storing"
                | "onbereikbaar"
                | "uitvalt"
        )
    }) || has("fällt") && has("aus")
        || has("valt") && has("uit")
        || has("nicht") && has("erreichbar")
        || has("no") && has("disponible")
        || has("non") && has("disponibile")
        || has("niet") && has("beschikbaar")
}

/// A refusal in the other languages read: `lehnt … ab`, `abgelehnt`, `rechaza`, `rejette`.
fn foreign_refusal(w: &str) -> bool {
    [
        "abgelehnt",
        "abgewiesen",
        "zurückgewiesen",
        "afgewezen",
        "geweigerd",
        "respint",
        "recusad",
        "lehnt",
        "rechaz",
        "rejet",
        "rifiut",
        "rejeit",
        "weiger",
    ]
    .iter()
    .any(|p| w.starts_with(p))
}

/// A marker inside the subject of a refusal describes what is refused, not the URL: `keys
/// pending approval are rejected`, `tokens with an iat in the future are rejected` — a
/// credential before it in its clause and a refusal after it.
fn describes_refused(clause: &[String], at: usize) -> bool {
    clause[..at]
        .iter()
        .any(|y| CREDENTIALS_NAMED.contains(&y.as_str()))
        && clause[at + 1..].iter().any(|y| enforcement(y))
}

/// Credentials a refusal's subject names.
const CREDENTIALS_NAMED: &[&str] = &[
    "key",
    "keys",
    "token",
    "tokens",
    "jwt",
    "jwts",
    "signature",
    "signatures",
    "credential",
    "credentials",
    "certificate",
    "certificates",
    "session",
    "sessions",
    "cookie",
    "cookies",
];

/// A marker word naming what is served (a noun's modifier or owner), not a state of the URL:
/// `the demo catalogue that is public`, `the product roadmap that we publish`, `the beta
/// programme's signup form`. The marker is the word at `at` or, for a purpose after `for`,
/// `during` and the like, the purpose word past its determiner.
fn names_content(clause: &[String], at: usize, public: bool) -> bool {
    let w = |i: usize| clause.get(i).map_or("", String::as_str);
    let noun = if matches!(w(at), "for" | "during" | "while" | "in" | "just" | "only") {
        (at + 1..at + 3)
            .find(|&k| !matches!(w(k), "the" | "a" | "an" | "our" | "we"))
            .unwrap_or(at + 1)
    } else {
        at
    };
    let published = clause
        .get(noun + 1..)
        .unwrap_or_default()
        .iter()
        .take(5)
        .any(|y| {
            matches!(
                y.as_str(),
                "publish" | "published" | "publishes" | "public" | "publicly"
            )
        });
    // An owner: `programme's`; the apostrophe stays on its word.
    w(noun + 1).ends_with("'s")
        || (CONTENT.contains(&w(noun + 1)) || matches!(w(noun + 1), "that" | "which"))
            && (published || public || public_data(clause))
}

/// Words of a state starting: `turned on`, `enforced`, `begins`, `becomes required`.
fn activation(w: &str) -> bool {
    matches!(
        w,
        "turned"
            | "turn"
            | "turns"
            | "switched"
            | "switch"
            | "enabled"
            | "enable"
            | "activated"
            | "activate"
            | "enforced"
            | "enforcement"
            | "enforce"
            | "starts"
            | "start"
            | "begins"
            | "begin"
            | "kicks"
            | "required"
            | "mandatory"
            | "applies"
            | "effective"
            | "live"
    )
}

/// Events a state waits for when it starts at or upon them: a launch, a release, general
/// availability. (Narrower than `deferral`'s events: `at deploy time`, `when in production`
/// describe when a check runs, not that it is still to come.)
const LAUNCHES: &[&str] = &[
    "launch",
    "launches",
    "launched",
    "ga",
    "availability",
    "golive",
    "rollout",
    "cutover",
    "release",
    "released",
    "ships",
    "shipped",
    "lands",
    "landed",
    "merged",
];

/// `next` in the other languages read, before a version or sprint: `ab der nächsten Version`.
const FOREIGN_NEXT: &[&str] = &[
    "nächsten",
    "nächste",
    "nächster",
    "prochaine",
    "prochain",
    "próxima",
    "próximo",
    "prossima",
    "prossimo",
    "volgende",
];

/// Whether the deferral marker at `at` in `clause` is negated: a negator among the three words
/// before it, reaching it through `even`, an article or a copula only (`no TODO`, `not even
/// temporarily`, `nothing here is temporary`).
fn negated_marker(clause: &[String], at: usize) -> bool {
    // A demo or prototype named as a thing elsewhere and denied here: `the demo page is not
    // served from here`, `the prototype app is not this function`.
    let w = |i: usize| clause.get(i).map_or("", String::as_str);
    let thing = matches!(w(at), "demo" | "demos" | "prototype" | "poc" | "hackathon")
        && matches!(
            w(at + 1),
            "page"
                | "pages"
                | "site"
                | "app"
                | "apps"
                | "environment"
                | "account"
                | "stack"
                | "function"
                | "service"
                | "video"
                | "data"
                | "frontend"
                | "ui"
        )
        && matches!(w(at + 2), "is" | "are" | "was" | "lives" | "runs")
        && (negator(w(at + 3)) || matches!(w(at + 3), "elsewhere" | "separate"));
    // `nothing about this endpoint is temporary`: the marker is the predicate of a subject
    // that denies it.
    let denied_subject = at >= 2
        && matches!(w(at - 1), "is" | "are" | "was" | "were")
        && clause[at.saturating_sub(8)..at - 1]
            .iter()
            .position(|y| matches!(y.as_str(), "nothing" | "none"))
            .is_some_and(|n| {
                clause[at.saturating_sub(8) + n + 1..at - 1]
                    .iter()
                    .all(|y| !negator(y) && !matches!(y.as_str(), "will" | "has" | "have" | "be"))
            });
    thing
        || denied_subject
        || clause[..at.min(clause.len())]
            .iter()
            .rev()
            .take(4)
            .enumerate()
            .any(|(k, y)| {
                negator(y)
                    // `not even for the demo`.
                    && clause[at - k..at].iter().all(|b| {
                        matches!(
                            b.as_str(),
                            "even"
                                | "for"
                                | "during"
                                | "a"
                                | "an"
                                | "the"
                                | "is"
                                | "are"
                                | "was"
                                | "here"
                                | "this"
                                | "about"
                        )
                    })
            })
}

/// A date a state lasts until: a quarter or half (`q4`, `h2`), a month, a year (`2027`).
fn period(w: &str) -> bool {
    let b = w.as_bytes();
    (b.len() == 2 && matches!(b[0], b'q' | b'h') && (b'1'..=b'4').contains(&b[1]))
        || (w.len() == 4 && w.starts_with("20") && w.bytes().all(|c| c.is_ascii_digit()))
        || matches!(
            w,
            "january"
                | "february"
                | "march"
                | "april"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
                | "eoy"
                | "eoq"
        )
}

/// A verb of checking or of putting a check in place in the future tense of Spanish,
/// Portuguese, Italian or French: `validaremos`, `verificará`, `verificheremo`,
/// `vérifierons`, `añadirá`, `ajoutera`.
fn foreign_future_check(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "valid",
        "verific",
        "vérifi",
        "comprob",
        "controll",
        "contrôl",
        "autentic",
        "authentifi",
        "exig",
        "requer",
        "richied",
        // Putting it in place: `se añadirá autenticación`, `on ajoutera une clé`.
        "añadi",
        "agreg",
        "implement",
        "implément",
        "activ",
        "attiv",
        "ativ",
        "habilit",
        "ajout",
        "aggiung",
        "adicion",
    ];
    const ENDINGS: &[&str] = &[
        "rá", "rán", "remos", "rão", "ré", "rei", "remo", "ranno", "rà", "rons", "ront", "rai",
        "ra",
    ];
    STEMS.iter().any(|s| w.starts_with(s))
        && ENDINGS.iter().any(|e| w.ends_with(e))
        && w.chars().count() > 6
}

/// A future: `will`, `'ll`, `shall`, `gonna`, `going to` (not an obligation, `need to`).
fn future(w: &str, next: &str) -> bool {
    matches!(w, "will" | "shall" | "gonna") || w.ends_with("'ll") || w == "going" && next == "to"
}

/// Stems of the verbs of checking a credential, in any form (`verifies`, `validated`).
const CHECK_STEMS: [&str; 5] = ["check", "verif", "validat", "enforc", "authenticat"];

/// Whether `w` is a form of a checking verb or of one of `more`.
fn check_verb(w: &str, more: &[&str]) -> bool {
    CHECK_STEMS
        .iter()
        .chain(more)
        .any(|stem| w.starts_with(stem))
}

/// The act of checking, not the one who checks: `authorizer`, `validator`, `checker`.
fn not_agent(w: &str) -> bool {
    !w.ends_with("er") && !w.ends_with("or")
}

/// A verb of checking or requiring, in any form: `require`, `verifies`, `validated`.
fn checking(w: &str) -> bool {
    check_verb(w, &["requir"]) && not_agent(w)
}

/// A future of intent: `will`, `'ll`, `going to`, `plan to`, `need to`, `shall`.
fn modal(w: &str, next: &str) -> bool {
    matches!(w, "will" | "shall" | "gonna" | "wanna")
        || w.ends_with("'ll")
        || matches!(
            w,
            "going"
                | "plan"
                | "plans"
                | "planned"
                | "planning"
                | "intend"
                | "intends"
                | "want"
                | "wants"
                | "have"
                | "has"
                | "need"
                | "needs"
        ) && next == "to"
}

/// Whether `w` is a function word (article, preposition, pronoun, auxiliary) of a language
/// the classifier reads: English, or German, French, Spanish, Italian, Portuguese or Dutch,
/// whose markers it knows. Every sentence of those languages has one.
/// Whether `w` (lowercase) is a function word of a language the classifier reads: prose has
/// them, keyboard mash and placeholders do not.
pub(crate) fn function_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        // English
        "the", "a", "an", "is", "are", "was", "were", "be", "been", "it", "its", "of", "to", "in",
        "on", "at", "by", "for", "with", "without", "from", "and", "or", "but", "no", "not",
        "every", "each", "all", "any", "only", "we", "they", "our", "their", "this", "that",
        "which", "who", "per", "as", "if", "unless", "before", "after", "until", "has", "have",
        "does", "do", "can", "will", "must", "should", "there", "so", "than", "into", "over",
        "against", "through", "via", "when", "never", "nothing", "none", // German
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "ist", "sind",
        "wird", "werden", "mit", "ohne", "und", "oder", "nicht", "kein", "keine", "jede", "jeder",
        "jedes", "bei", "für", "von", "vom", "im", "zum", "zur", "auf", "zu", "wir", "es",
        "dieser", "diese", "dieses", // French
        "ce", "cette", "ces", "le", "la", "les", "un", "une", "des", "du", "est", "sont", "avec",
        "sans", "et", "ou", "pas", "chaque", "pour", "par", "de", "nous", "il", "elle", "en",
        "sur", // Spanish, Italian, Portuguese
        "el", "los", "las", "una", "es", "son", "con", "sin", "y", "o", "cada", "para", "por",
        "lo", "il", "gli", "uno", "è", "sono", "senza", "e", "ogni", "per", "di", "os", "um",
        "uma", "é", "são", "com", "sem", "cada", "da", "do", "não", "na", "este", "esta", "esto",
        "estos", "estas", "isto", "isso", "questo", "questa", "questi", // Dutch
        "deze", "dit", "het", "een", "zijn", "wordt", "worden", "met", "zonder", "en", "niet",
        "geen", "elke", "elk", "voor", "van", "wij", "we",
    ];
    WORDS.contains(&w)
}

/// Authentication asked of callers and not enforced: a mechanism in a clause framed as a
/// wish (`should`, `may`, `please`, `are expected/asked/encouraged to`, `we trust callers
/// to`, `by convention`, and the other languages' `should`), in a reason that says nowhere
/// that anything checks, requires or refuses (`must`, `checked`, `validated`, `rejected`,
/// `401`). `only callers with a key may call it` restricts, and is no wish.
fn delegated(sentences: &[Vec<Vec<String>>]) -> bool {
    let all = || sentences.iter().flatten().flatten().map(String::as_str);
    if all().any(enforced) {
        return false;
    }
    sentences.iter().flatten().any(|c| {
        let mechanism = c
            .iter()
            .any(|w| MECHANISMS.contains(&w.as_str()) || FOREIGN_KEYS.contains(&w.as_str()));
        mechanism
            && c.iter().enumerate().any(|(i, w)| {
                wish(w)
                    // `only callers with a key may call`, `no caller can … without a key`,
                    // `callers may not call it without one` restrict rather than wish.
                    && !c[..i].iter().any(|y| y == "only" || negator(y))
                    && !c.get(i + 1).is_some_and(|n| negator(n))
                    // `we trust`, `they ask`: a verb of wishing needs a person after it or
                    // before it, not `trusted CA`.
                    && (!matches!(w.as_str(), "trust" | "trusts" | "ask" | "asks")
                        || c.get(i + 1).is_some_and(|n| !MECHANISMS.contains(&n.as_str())))
            })
    })
}

/// Words that frame an act of the caller as a wish rather than a requirement.
fn wish(w: &str) -> bool {
    matches!(
        w,
        "should"
            | "shouldn't"
            | "ought"
            | "may"
            | "might"
            | "can"
            | "could"
            | "please"
            | "kindly"
            | "asked"
            | "ask"
            | "asks"
            | "expected"
            | "encouraged"
            | "encourage"
            | "recommended"
            | "recommend"
            | "advised"
            | "supposed"
            | "urged"
            | "told"
            | "invited"
            | "welcome"
            | "trust"
            | "trusts"
            | "convention"
            | "voluntarily"
            | "voluntary"
            | "optionally"
            | "courtesy"
            | "honor"
            | "honour"
            // `should`, `please` in German, French, Spanish, Italian, Portuguese and Dutch.
            | "sollte"
            | "sollten"
            | "sollen"
            | "bitte"
            | "devrait"
            | "devraient"
            | "veuillez"
            | "debería"
            | "deberían"
            | "deberia"
            | "deberian"
            | "dovrebbe"
            | "dovrebbero"
            | "deveria"
            | "deveriam"
            | "zou"
            | "zouden"
            | "graag"
    )
}

/// Words that say something is enforced: a check, a requirement or a refusal, in any of the
/// languages read.
fn enforced(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "check",
        "verif",
        "validat",
        "enforc",
        "requir",
        "compar",
        "introspect",
        "mandator",
        "reject",
        "refus",
        // German, French, Spanish, Italian, Portuguese, Dutch
        "prüf",
        "geprüft",
        "überprüf",
        "vérifi",
        "contrôl",
        "validé",
        "validiert",
        "validad",
        "gevalideerd",
        "verific",
        "comprob",
        "controll",
        "controle",
        "rechaz",
        "rifiut",
        "rejeit",
        "weiger",
        "erforderlich",
        "obligatoire",
        "obligatori",
        "obbligatori",
        "obrigatóri",
        "verplicht",
        "requis",
        "requerid",
        "richiest",
    ];
    enforcement(w)
        || matches!(
            w,
            "must"
                | "mustn't"
                | "unauthorized"
                | "unauthorised"
                | "müssen"
                | "muss"
                | "doit"
                | "doivent"
                | "debe"
                | "deben"
                | "deve"
                | "devono"
                | "devem"
                | "moet"
                | "moeten"
        )
        || STEMS.iter().any(|s| w.starts_with(s))
}

/// Authentication negated in the sentence. A negation that is a condition (`without a key`,
/// `with no token`, `requests that are not signed`, `unauthenticated requests`) describes
/// who is refused when the sentence refuses (`rejected`, `401`) or another negator in its
/// clause turns it into a requirement (`no request is served without a key`); any other
/// negation (`no key needed`, `auth disabled`) stands.
fn negation(sentence: &[Vec<String>]) -> bool {
    // A refusal applies to its clause and the clauses before it: `requests without a valid
    // key, or with an expired one, are rejected`.
    let refusing_from = |m: usize| sentence[m..].iter().flatten().any(|w| enforcement(w));
    sentence.iter().enumerate().any(|(m, c)| {
        let mut used = Vec::new();
        let mut conditional = false;
        for i in 0..c.len() {
            let scope = negated_at(c, i);
            // `there is no flag, header or query parameter that skips it`: a way around the
            // check that a negator earlier in the sentence says does not exist.
            if let Some(Scope::Before(j)) = scope
                && j > 0
                && matches!(c[j - 1].as_str(), "that" | "which")
                && matches!(
                    c[j].as_str(),
                    "skip" | "skips" | "bypass" | "bypasses" | "disable" | "disables"
                )
                && sentence[..m]
                    .iter()
                    .flatten()
                    .chain(&c[..j - 1])
                    .any(|w| matches!(w.as_str(), "no" | "nothing" | "none"))
            {
                used.push(j);
                continue;
            }
            let at = match scope {
                Some(Scope::Before(j) | Scope::After(Some(j))) => {
                    used.push(j);
                    Some(j)
                }
                Some(Scope::Open | Scope::After(None)) => None,
                None => continue,
            };
            let condition = match (scope, at) {
                (Some(Scope::Open), _) => true,
                // A credential in a switched-off state, in a clause that refuses, is what the
                // refusal is of: `a disabled key gets 403`, `403 if the key is suspended`.
                (Some(Scope::After(None)), None) => {
                    let refusal = |w: &String| enforcement(w) && !negating_state(w);
                    CREDENTIALS_NAMED.contains(&c[i].as_str()) && c.iter().any(refusal)
                        // A condition clause of the credential's absence says whom the refusal
                        // after it is of: `if a token is missing, the handler answers 401`.
                        || c[..i]
                            .iter()
                            .any(|w| matches!(w.as_str(), "if" | "when" | "whenever"))
                            && sentence[m + 1..].iter().flatten().any(refusal)
                }
                (_, Some(j)) => {
                    // `anyone can call it without a key` grants, it does not condition; a
                    // permission word answered by a refusal is that refusal (`answers 401
                    // without one`).
                    let permits = c[..j].iter().enumerate().any(|(p, w)| {
                        !c[p + 1..j].iter().any(|y| enforcement(y))
                            && matches!(
                                w.as_str(),
                                "can"
                                    | "could"
                                    | "may"
                                    | "allowed"
                                    | "able"
                                    | "free"
                                    | "works"
                                    | "work"
                                    | "runs"
                                    | "serves"
                                    | "answers"
                                    | "responds"
                                    | "accessible"
                                    | "reachable"
                                    | "callable"
                                    | "available"
                                    | "usable"
                                    | "open"
                            )
                    });
                    !permits && matches!(c[j].as_str(), "without" | "lacking")
                        || c[j] == "no" && j > 0 && c[j - 1] == "with"
                        // A relative or a conditional clause says which credentials a
                        // refusal is of: `keys that are disabled`, `403 if the key is disabled`.
                        || c[j.saturating_sub(3)..j].iter().any(|w| {
                            matches!(
                                w.as_str(),
                                "that" | "which" | "who" | "whose" | "if" | "when" | "whenever"
                            )
                        })
                }
                _ => false,
            };
            if !condition {
                return true;
            }
            conditional = true;
        }
        let other = c
            .iter()
            .enumerate()
            .any(|(j, w)| negator(w) && !used.contains(&j));
        conditional && !refusing_from(m) && !other
    }) || pronoun_negation(sentence)
        || state_negation(sentence)
        || foreign_negation(sentence)
}

/// The other languages' negators that go with a noun or stand alone (`kein Token`, `sans
/// clé`, `nunca`): each restricts a credential it goes with, and negates a clause about one.
const FOREIGN_NEGATORS: &[&str] = &[
    "kein", "keine", "ohne", "nie", "sans", "aucun", "aucune", "jamais", "sin", "nunca", "ningún",
    "ninguna", "senza", "nessun", "nessuna", "mai", "sem", "nenhum", "nenhuma", "zonder", "geen",
    "nooit",
];

/// Authentication negated in German, French, Spanish, Italian, Portuguese or Dutch: a clause
/// about it with an odd number of their negators (`prüft den Token nicht`, `ne vérifie pas`,
/// `ohne API-Schlüssel werden angenommen`; `kein Aufruf ohne Token` requires one), a word for
/// optional or switched off (`la clé API est facultative`, `deaktiviert`), or a check made only
/// when the caller chooses
/// (`nur wenn der Header gesetzt ist`) — in a sentence that refuses no one (`ohne Token gibt es
/// 401`, `rechaza las solicitudes sin token`).
fn foreign_negation(sentence: &[Vec<String>]) -> bool {
    fn negator(w: &str) -> bool {
        // French `ne` always pairs with `pas`, `jamais`, …: that one counts. Besides the
        // shared negators, the verb's (`nicht`, `pas`, `não`) and German's other inflections,
        // which the credential rule's `restricts` does not read.
        FOREIGN_NEGATORS.contains(&w)
            || matches!(
                w,
                "nicht" | "keinen" | "keinem" | "keiner" | "niemals" | "pas" | "não" | "niet"
            )
    }
    fn about_auth(w: &str) -> bool {
        MECHANISMS.contains(&w)
            || FOREIGN_KEYS.contains(&w)
            || AUTH_TERMS.contains(&w)
            || [
                "authentifi",
                "autentica",
                "authenticat",
                "jeton",
                "firma",
                "handtekening",
                "signatur",
                // A check: `aucun contrôle`, `keine Prüfung`, `sin verificación`.
                "contrôl",
                "control",
                "prüf",
                "überprüf",
                "vérif",
                "verific",
                "verifica",
            ]
            .iter()
            .any(|s| w.starts_with(s))
    }
    fn refusal(w: &str) -> bool {
        enforcement(w)
            || foreign_refusal(w)
            || [
                "rechaz",
                "rifiut",
                "rejeit",
                "weiger",
                "refus",
                "ablehn",
                "abgelehnt",
                "lehnt",
                "verweiger",
                "bloqu",
                "blocc",
            ]
            .iter()
            .any(|s| w.starts_with(s))
    }
    // `non` and `no` negate in the Romance languages too, and in English `non` prefixes (`a
    // non-expired JWT`) and `no` is English's own: they count in a Romance clause.
    let romance = |c: &[String]| {
        c.iter().any(|y| {
            matches!(
                y.as_str(),
                "il" | "la"
                    | "le"
                    | "les"
                    | "di"
                    | "del"
                    | "della"
                    | "è"
                    | "est"
                    | "des"
                    | "du"
                    | "el"
                    | "los"
                    | "las"
                    | "es"
                    | "o"
                    | "os"
                    | "é"
            )
        })
    };
    // A refusal negated (`werden nicht abgewiesen`) refuses no one.
    let refusing_from = |m: usize| {
        let rest: Vec<&String> = sentence[m..].iter().flatten().collect();
        (0..rest.len()).any(|k| refusal(rest[k]) && !(k > 0 && negator(rest[k - 1])))
    };
    // A refusal negated lets through: `Anfragen ohne Token werden nicht abgewiesen`.
    let let_through = sentence.iter().flatten().any(|y| about_auth(y))
        && sentence.iter().any(|c| {
            (0..c.len()).any(|k| {
                refusal(&c[k])
                    && c[k.saturating_sub(2)..k]
                        .iter()
                        .any(|y| negator(y) || matches!(y.as_str(), "non" | "no") && romance(c))
            })
        });
    let_through
        || sentence.iter().enumerate().any(|(m, c)| {
            let negators = c
                .iter()
                .filter(|y| negator(y) || matches!(y.as_str(), "non" | "no") && romance(c))
                .count();
            !refusing_from(m)
                && c.iter().any(|y| about_auth(y))
                && (negators % 2 == 1
                    || c.iter().any(|y| {
                        matches!(
                            y.as_str(),
                            "facultatif"
                            | "facultative"
                            | "facultatifs"
                            | "optionnel"
                            | "optionnelle"
                            | "opcional"
                            | "opcionales"
                            | "facoltativo"
                            | "facoltativa"
                            | "optioneel"
                            // switched off
                            | "deaktiviert"
                            | "abgeschaltet"
                            | "abgestellt"
                            // commented out
                            | "auskommentiert"
                            | "uitgecommentarieerd"
                            | "ausgeschaltet"
                            | "désactivé"
                            | "désactivée"
                            | "desactivado"
                            | "desactivada"
                            | "disattivato"
                            | "disattivata"
                            | "desativado"
                            | "desativada"
                            | "uitgeschakeld"
                        )
                    }))
        })
        || {
            let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
            let w = |i: usize| words.get(i).copied().unwrap_or("");
            (0..words.len()).any(|i| {
                matches!(
                    (w(i), w(i + 1)),
                    ("nur", "wenn" | "falls")
                        | ("seulement" | "uniquement", "si" | "quand")
                        | (
                            "solo" | "sólo" | "soltanto",
                            "si" | "se" | "cuando" | "quando"
                        )
                        | ("apenas", "se" | "quando")
                        | ("alleen", "als" | "wanneer")
                ) && words[..i].iter().any(|y| enforced(y))
                    && !words[i..].iter().any(|y| refusal(y))
            })
        }
}

/// A negating state further on in the clause of a term (`the key check is behind a flag that
/// is currently off`) — not past an `and`/`or`, which starts another predicate (`keys rotate
/// and old ones are switched off`) — or as the value of a term used as a label (`API key:
/// N/A`, `Auth: none`), in a sentence that refuses no one.
fn state_negation(sentence: &[Vec<String>]) -> bool {
    let refusing_from = |m: usize| sentence[m..].iter().flatten().any(|w| enforcement(w));
    sentence.iter().enumerate().any(|(m, c)| {
        // Switched off in the past and on again since: `was briefly disabled in 2023 and has
        // been enforced ever since`.
        let restored = |from: usize| {
            let rest: Vec<&String> = sentence[m..].iter().flatten().skip(from).collect();
            c[..from]
                .iter()
                .any(|w| matches!(w.as_str(), "was" | "were" | "had"))
                && rest
                    .iter()
                    .skip_while(|w| !matches!(w.as_str(), "and" | "but"))
                    .any(|w| {
                        matches!(
                            w.as_str(),
                            "since" | "again" | "restored" | "reenabled" | "reinstated"
                        )
                    })
        };
        let later = (0..c.len()).any(|i| {
            AUTH_TERMS.contains(&c[i].as_str())
                && !object_of_failure(c, i)
                && c[i + 1..]
                    .iter()
                    .take_while(|w| !matches!(w.as_str(), "and" | "or") && !negator(w))
                    .position(|w| switched_off_state(w))
                    .is_some_and(|k| !restored(i + 1 + k))
        });
        // A label is a few words, its value one or two: `Auth: none`, not a clause.
        let label = c.len() <= 3
            && c.last().is_some_and(|w| AUTH_TERMS.contains(&w.as_str()))
            && sentence
                .get(m + 1)
                // `enforcement: off until onboarding wraps up`: the value and its condition.
                .filter(|next| {
                    next.len() <= 2
                        || matches!(
                            next[1].as_str(),
                            "until"
                                | "till"
                                | "for"
                                | "pending"
                                | "while"
                                | "during"
                                | "since"
                                | "unless"
                                | "in"
                                | "on"
                        )
                })
                .and_then(|next| next.first())
                .is_some_and(|w| negating_state(w) || matches!(w.as_str(), "no" | "off"));
        (later || label) && !refusing_from(m)
    }) || lets_through(sentence)
}

/// Authentication done by something other than the function, which a public URL does not
/// pass through: a component in front (CloudFront, a WAF, an API gateway, a proxy — callers
/// reach the URL directly around it) or the caller's own side (the client SDK, the browser),
/// as the subject of a check (`the CDN validates the key`) or its agent (`checked by the
/// WAF`), in a reason where the function checks nothing itself (`the function verifies the
/// JWT; CloudFront in front only caches` passes). Also a check made only in some
/// environments (`verified in staging only`: the reason is the same in every environment) or
/// at some times (`only on weekdays`).
fn checked_elsewhere(sentences: &[Vec<Vec<String>>]) -> bool {
    fn checking(w: &str) -> bool {
        // A proxy terminating mTLS checks the client certificate; what protects, guards or
        // handles the credential checks it (`protected by CloudFront signed cookies`, `OAuth
        // handled by the ALB`).
        check_verb(
            w,
            &[
                "authoriz", "authoris", "inspect", "terminat", "protect", "guard", "handl",
                // What compares the credential checks it: `compared by CloudFront`.
                "compar",
                // What requires the credential checks it: `required by the function URL config`.
                "requir",
            ],
        ) && not_agent(w)
            // Who pins a certificate checks it: `the partner pins our TLS certificate` (`client
            // id pinned` is what a check holds fixed).
            || matches!(w, "pin" | "pins" | "pinning")
    }
    fn elsewhere(w: &str) -> bool {
        matches!(
            w.strip_suffix("'s").unwrap_or(w),
            // AWS and its services other than the function (Lambda the service, Bedrock and
            // its guardrails, Shield) check nothing of a `NONE` URL's callers.
            "aws"
                | "awslambda"
                | "console"
                | "bedrock"
                | "guardrail"
                | "guardrails"
                | "shield"
                | "guardduty"
                // The URL's configuration (a `NONE` URL checks nothing), and another function
                // the request's work reaches later: `the consumer Lambda`.
                | "config"
                | "configuration"
                | "consumer"
                // A job that runs apart from the request: `the nightly audit job`.
                | "job"
                | "jobs"
                | "cron"
                | "audit"
                | "worker"
                | "downstream"
                // The callers themselves: `so callers can verify us`.
                | "caller"
                | "callers"
                | "partner"
                | "partners"
            // An authorizer is API Gateway's; IAM checks a URL only when it is not public.
                | "cloudfront"
                | "waf"
                | "cdn"
                | "gateway"
                | "apigateway"
                | "authorizer"
                | "iam"
                | "proxy"
                | "balancer"
                | "alb"
                | "nginx"
                | "envoy"
                | "cloudflare"
                | "akamai"
                | "fastly"
                // API gateways, meshes and access proxies by product: none is on a `NONE`
                // URL's path.
                | "apigee"
                | "kong"
                | "tyk"
                | "traefik"
                | "haproxy"
                | "zuul"
                | "krakend"
                | "mulesoft"
                | "wso2"
                | "apim"
                | "istio"
                | "linkerd"
                | "mesh"
                | "imperva"
                | "incapsula"
                | "zscaler"
                | "netskope"
                | "pomerium"
                | "pingaccess"
                // A Cognito or Lambda trigger runs when tokens are issued or events arrive,
                // not on a request to the URL; so do an identity provider's extensions (Auth0
                // Actions).
                | "trigger"
                | "triggers"
                | "actions"
                | "vpn"
                // Other clouds' front doors and firewalls: `Cloud Armor`, `Azure Front Door`
                // (not `Azure AD`, an identity provider whose tokens the handler verifies).
                | "armor"
                | "door"
                | "frontdoor"
                | "edge"
                | "ingress"
                | "firewall"
                | "sdk"
                | "browser"
                | "frontend"
                | "client"
                | "mobile"
                | "spa"
                | "device"
        )
    }
    /// The function, or what is its own (`the function's client`).
    fn itself(w: &str) -> bool {
        matches!(
            w.strip_suffix("'s").unwrap_or(w),
            "function" | "handler" | "lambda" | "code" | "we" | "backend" | "service"
        )
    }
    /// The checker a compound starting at `words[0]` names: a possessive's owner, else a
    /// component in front anywhere in it (`a Lambda@Edge function`, `a CloudFront function`,
    /// `a Lambda authorizer`), else its last noun.
    fn compound_head(words: &[String]) -> &str {
        // `the function URL config`: the URL is part of the compound, never its checker.
        let run: Vec<&String> = words
            .iter()
            .take_while(|w| elsewhere(w) || itself(w) || matches!(w.as_str(), "url" | "urls"))
            .collect();
        // A credential named for its holder is no checker: `a client certificate`, `a client
        // token` (its last noun; in `the ALB's OIDC action` the ALB acts).
        // `the caller's API key` too; but a component's own (`the ALB's OIDC action`) is its.
        let at = run.len() + usize::from(words.get(run.len()).is_some_and(|n| n == "api"));
        let component_owns = run.last().is_some_and(|w| {
            w.strip_suffix("'s").is_some_and(|o| {
                !matches!(
                    o,
                    "client" | "caller" | "partner" | "device" | "browser" | "mobile"
                )
            })
        });
        if !component_owns
            && words.get(at).is_some_and(|n| {
                MECHANISMS.contains(&n.as_str())
                    || matches!(n.as_str(), "certificate" | "certificates" | "secret")
            })
            && words.get(at + 1).is_none_or(|n| function_word(n))
        {
            return "";
        }
        // A possessive's owner holds the rest: `the function's client` is the function's.
        run.iter()
            .rev()
            .find(|w| w.ends_with("'s"))
            .or_else(|| run.iter().find(|w| elsewhere(w)))
            .or_else(|| {
                run.iter()
                    .rev()
                    .find(|w| !matches!(w.as_str(), "url" | "urls"))
            })
            .map_or("", |w| w.as_str())
    }
    /// A clause saying it forwards to the function or sits in front of it.
    fn front_clause(c: &[String]) -> bool {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        (0..c.len()).any(|i| {
            w(i) == "in" && w(i + 1) == "front"
                || matches!(
                    w(i),
                    "forward"
                        | "forwards"
                        | "forwarded"
                        | "forwarding"
                        | "proxies"
                        | "relays"
                        | "routes"
                        | "passes"
                ) && c[i + 1..]
                    .iter()
                    .take(6)
                    .skip_while(|y| *y != "to")
                    .any(|y| matches!(y.as_str(), "url" | "function" | "lambda" | "handler"))
        })
    }
    // A clause that checks and says it forwards to the function (`Kong validates the key and
    // forwards the request to the URL`) or sits in front of it: its first words, up to the
    // check or `in front`, name what is in front, whatever its product's name (`Apigee sits
    // in front of the function and verifies…`).
    let unnamed_in_front = sentences.iter().flatten().any(|c| {
        let fronting = front_clause(c);
        let end = c.iter().position(|y| checking(y) || y == "in").unwrap_or(0);
        let subject = &c[..end];
        fronting
            && c.iter().any(|y| checking(y))
            && !subject.is_empty()
            && !subject.iter().any(|y| itself(y))
            && !subject
                .iter()
                .any(|y| AUTH_TERMS.contains(&y.as_str()) || MECHANISMS.contains(&y.as_str()))
    });
    // `validated by Traefik, which forwards requests to the function`: an agent of a check
    // that is not the function, in a sentence that forwards to it.
    let agent_in_front = sentences.iter().any(|sentence| {
        let words: Vec<&String> = sentence.iter().flatten().collect();
        sentence.iter().any(|c| front_clause(c))
            && (0..words.len()).any(|i| {
                checking(words[i])
                    && words.get(i + 1).is_some_and(|w| *w == "by")
                    && !words[i + 2..].iter().take(3).any(|w| itself(w))
            })
    });
    // The checker of each checking word: its agent after `by`, else its subject.
    let checkers = || {
        sentences
            .iter()
            .flat_map(|s| {
                s.iter()
                    .enumerate()
                    .map(move |(k, c)| (k.checked_sub(1).map(|p| &s[p]), c))
            })
            .flat_map(|(prev, c)| {
                (0..c.len())
                    .filter(|&i| checking(&c[i]))
                    .filter_map(move |i| {
                        // `checked by the WAF`, `authenticated at the CDN`.
                        if c.get(i + 1).is_some_and(|w| w == "by" || w == "at") {
                            let after = &c[i + 2..(i + 6).min(c.len())];
                            // Else the whole compound after its determiner, however long (`the
                            // Cognito pre-token-generation trigger`).
                            let compound = || {
                                let from = (i + 2..c.len())
                                    .find(|&k| {
                                        !matches!(
                                            c[k].as_str(),
                                            "the" | "a" | "an" | "our" | "its" | "their"
                                        )
                                    })
                                    .unwrap_or(c.len());
                                let to = (from..c.len().min(from + 8))
                                    .find(|&k| function_word(&c[k]))
                                    .unwrap_or(c.len().min(from + 8));
                                &c[from..to]
                            };
                            let first = after.iter().position(|w| elsewhere(w) || itself(w));
                            return match first {
                                Some(first) => Some(compound_head(&after[first..])),
                                None => {
                                    let whole = compound();
                                    let first =
                                        whole.iter().position(|w| elsewhere(w) || itself(w))?;
                                    Some(compound_head(&whole[first..]))
                                }
                            };
                        }
                        // A comparison is a check of who it is by (`compared by CloudFront`) or
                        // of what forwards to the function, not of its subject alone: `the
                        // gateway compares it with the key` may be the function itself.
                        if c[i].starts_with("compar") {
                            return None;
                        }
                        // Where it takes place: `authentication happens on the client`, `the check
                        // is done in the browser`.
                        let placing = |w: &str| {
                            matches!(
                                w,
                                "happens"
                                    | "happen"
                                    | "runs"
                                    | "run"
                                    | "occurs"
                                    | "lives"
                                    | "takes"
                                    | "place"
                                    | "is"
                                    | "are"
                                    | "done"
                                    | "handled"
                                    | "performed"
                                    | "made"
                                    | "only"
                                    | "entirely"
                            )
                        };
                        // Past the check's object (`authentication of an API key happens …`) to
                        // its verb.
                        let verb = (i + 1..(i + 12).min(c.len())).find(|&k| {
                            matches!(
                                c[k].as_str(),
                                "happens"
                                    | "happen"
                                    | "runs"
                                    | "occurs"
                                    | "lives"
                                    | "takes"
                                    | "done"
                                    | "handled"
                                    | "performed"
                            )
                        });
                        let mut k = verb.map_or(i + 1, |v| {
                            (i + 1..v)
                                .rev()
                                .take_while(|&j| placing(&c[j]))
                                .last()
                                .unwrap_or(v)
                        });
                        let from = k;
                        while k < c.len() && k < from + 4 && placing(&c[k]) {
                            k += 1;
                        }
                        // Done by someone: `verification is done by the Stripe SDK`.
                        if k > from && c.get(k).is_some_and(|w| w == "by") {
                            let after = &c[k + 1..(k + 5).min(c.len())];
                            if let Some(first) =
                                after.iter().position(|w| elsewhere(w) || itself(w))
                            {
                                return Some(compound_head(&after[first..]));
                            }
                        }
                        // A participle says where itself: `validated in the mobile app`.
                        let participle = k == i + 1 && c[i].ends_with("ed");
                        if (k > from || participle)
                            && c.get(k)
                                .is_some_and(|w| matches!(w.as_str(), "on" | "in" | "at"))
                        {
                            let after = &c[k + 1..(k + 5).min(c.len())];
                            if let Some(first) =
                                after.iter().position(|w| elsewhere(w) || itself(w))
                            {
                                return Some(compound_head(&after[first..]));
                            }
                        }
                        // The subject leads its (relative) clause: `the gateway in front of the
                        // function verifies`, `the token the client sends, which the function checks`.
                        let start = c[..i]
                            .iter()
                            .rposition(|w| {
                                matches!(
                                    w.as_str(),
                                    "that"
                                        | "which"
                                        | "who"
                                        | "and"
                                        | "after"
                                        | "before"
                                        | "once"
                                        | "when"
                                        | "while"
                                        | "because"
                                        | "since"
                                        | "so"
                                        | "then"
                                )
                            })
                            .map_or(0, |k| k + 1);
                        // A relative clause of its own stands for the last clause's end: `cached by
                        // CloudFront, which requires signed cookies`.
                        if start == i
                            && i == 1
                            && matches!(c[0].as_str(), "which" | "who")
                            && let Some(p) = prev
                            && let Some(at) = p.iter().rposition(|w| elsewhere(w))
                            && at + 1 == p.len()
                        {
                            return Some(compound_head(&p[at..]));
                        }
                        // Of a compound the last noun is the head: `a Lambda authorizer`. A word
                        // naming a credential's kind is no checker: `a client certificate`.
                        let first = (start..i).find(|&k| {
                            (elsewhere(&c[k]) || itself(&c[k]))
                                && !c.get(k + 1).is_some_and(|n| {
                                    MECHANISMS.contains(&n.as_str())
                                        || matches!(
                                            n.as_str(),
                                            "key"
                                            | "keys"
                                            | "api"
                                            | "cookie"
                                            | "cookies"
                                            | "certificate"
                                            | "certificates"
                                            | "credential"
                                            | "credentials"
                                            | "secret"
                                            | "password"
                                            // Nor one naming what is checked: `Shopify app
                                            // proxy requests are verified`.
                                            | "requests"
                                            | "request"
                                            | "calls"
                                            | "events"
                                            | "deliveries"
                                            | "payloads"
                                            | "messages"
                                            | "traffic"
                                        )
                                })
                        })?;
                        // Who authenticates with something presents it: `callers authenticate
                        // with an API key` names no checker.
                        let presents = c[i].starts_with("authenticat")
                            && !c[i].ends_with("ed")
                            && c.get(i + 1).is_some_and(|w| {
                                matches!(w.as_str(), "with" | "using" | "via" | "through" | "to")
                            });
                        let head = compound_head(&c[first..i]);
                        // The callers, the URL and its configuration check only as the verb's own
                        // subject (`callers can verify us`), not as a noun's modifiers (`partners go
                        // through the same check`, `Zoom's endpoint URL validation`).
                        let caller = matches!(
                            head.strip_suffix("'s").unwrap_or(head),
                            "caller"
                                | "callers"
                                | "partner"
                                | "partners"
                                | "config"
                                | "configuration"
                        );
                        let verb = c[..i]
                            .iter()
                            .rev()
                            .find(|w| {
                                !matches!(
                                    w.as_str(),
                                    "can" | "may" | "must" | "should" | "then" | "also"
                                )
                            })
                            .is_some_and(|w| w == head);
                        // `URL validation`, `the config check`: a noun the head modifies.
                        let nominal = ["tion", "ment", "ing"].iter().any(|e| c[i].ends_with(e))
                            || matches!(head, "config" | "configuration")
                                && matches!(c[i].as_str(), "check" | "checks");
                        (!presents && (!caller || verb && !nominal)).then_some(head)
                    })
            })
    };
    // Some environments or times only: `in staging only`, `but only on weekdays`.
    let partial = sentences.iter().any(|sentence| {
        let c: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
        let scope = |w: &str| {
            matches!(
                w,
                "staging"
                    | "stage"
                    | "dev"
                    | "development"
                    | "test"
                    | "testing"
                    | "qa"
                    | "uat"
                    | "preprod"
                    | "preproduction"
                    | "sandbox"
                    | "prod"
                    | "production"
                    | "produktion"
                    | "producción"
                    | "produzione"
                    | "produção"
                    | "productie"
                    | "peak"
            ) || part_of_the_week_or_day(w)
        };
        // `only` and `in` in the other languages read: `vérifiée seulement en production`,
        // `nur in Produktion geprüft`.
        let only = |w: &str| {
            matches!(
                w,
                "only"
                    | "except"
                    | "seulement"
                    | "uniquement"
                    | "nur"
                    | "solo"
                    | "sólo"
                    | "solamente"
                    | "soltanto"
                    | "apenas"
                    | "somente"
                    | "alleen"
                    | "slechts"
            )
        };
        let inside = |w: &str| {
            matches!(
                w,
                "in" | "on" | "during" | "at" | "en" | "im" | "nel" | "em" | "op" | "no" | "na"
            )
        };
        c.iter().any(|w| AUTH_TERMS.contains(w) || checking(w) || enforced(w))
            && c.windows(3).any(|p| {
                matches!(p[0], "in" | "on" | "during") && scope(p[1]) && p[2] == "only"
                    || only(p[0]) && inside(p[1]) && scope(p[2])
            })
            // `only enforced in production`: `only` before the check's verb.
            || c.windows(4).any(|p| {
                p[0] == "only"
                    && (checking(p[1]) || required_state(p[1]))
                    && matches!(p[2], "in" | "on" | "during")
                    && scope(p[3])
            })
    });
    // A check at some times (`on weekdays during business hours`) or of a sample of requests
    // (`a random 10% sample`), in the clause of its checking word.
    let sometimes = sentences.iter().flatten().any(|c| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        c.iter().any(|y| {
            checking(y)
                || enforcement(y)
                || required_state(y)
                || y == "without"
                || ["compar", "requir"].iter().any(|p| y.starts_with(p))
        }) && (0..c.len()).any(|i| {
            // Past a determiner: `during the Sunday maintenance window`.
            let k = if matches!(w(i + 1), "the" | "a" | "an" | "our" | "each") { i + 2 } else { i + 1 };
            matches!(w(i), "on" | "during" | "in" | "at" | "outside" | "except")
                && part_of_the_week_or_day(w(k))
                // A share of requests: `one in ten`, `1 out of 100`, `every tenth request`,
                // `5%` of them.
                || count(w(i)) && (w(i + 1) == "in" && count(w(i + 2))
                    || w(i + 1) == "out" && w(i + 2) == "of" && count(w(i + 3))
                    // `two requests in three`.
                    || matches!(w(i + 1), "requests" | "calls" | "callers")
                        && w(i + 2) == "in"
                        && count(w(i + 3)))
                || w(i) == "every" && ordinal(w(i + 1))
                // (`100%` of them is all of them.)
                || count(w(i)) && w(i) != "100" && w(i + 1) == "of" && matches!(w(i + 2), "requests" | "calls" | "traffic")
                || matches!(
                    w(i),
                    "sample" | "sampled" | "sampling" | "fraction" | "percent" | "percentage"
                )
                || matches!(w(i), "most" | "some" | "many" | "certain" | "half")
                    && matches!(w(i + 1), "requests" | "calls" | "callers" | "traffic")
        })
    });
    // A share of the traffic a check is rolled out to, in a clause of its own: `signature
    // validation is feature-flagged, currently rolled out to 0% of traffic`.
    // A check in a version behind a canary, which serves part of the traffic: `we verify
    // signatures in the new handler version, which is behind a 10% canary` (not a canary
    // told before a check of its own: `the new version is in a canary, and it verifies …`).
    let canary = sentences.iter().any(|sentence| {
        sentence.iter().enumerate().any(|(k, c)| {
            c.iter()
                .any(|y| matches!(y.as_str(), "canary" | "canaries"))
                && sentence[..=k].iter().flatten().any(|y| checking(y))
                && !sentence[k + 1..].iter().flatten().any(|y| checking(y))
        })
    });
    let share = sentences.iter().any(|sentence| {
        sentence.iter().flatten().any(|y| checking(y))
            && sentence.iter().any(|c| {
                c.windows(3).any(|p| {
                    count(&p[0])
                        && p[0] != "100"
                        && p[1] == "of"
                        && matches!(p[2].as_str(), "requests" | "calls" | "traffic" | "callers")
                })
            })
    });
    // The function refusing or comparing is its own check, whatever checks in front: `the
    // handler rejects requests whose header does not match`, `the function compares it with
    // the value in Secrets Manager`.
    let own_refusal = sentences.iter().flatten().any(|c| {
        c.iter().position(|w| itself(w)).is_some_and(|p| {
            c[p + 1..]
                .iter()
                .take(3)
                .any(|w| enforcement(w) || w.starts_with("compar") || w.starts_with("match"))
        })
    });
    partial
        || sometimes
        || share
        || canary
        || (checkers().any(elsewhere) || unnamed_in_front || agent_in_front)
            && !checkers().any(itself)
            && !own_refusal
        || no_longer(sentences)
}

/// A number, in digits or words: `10`, `ten`.
fn count(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
        || matches!(
            w,
            "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "twenty"
                | "fifty"
                | "hundred"
                | "thousand"
        )
}

/// Every n-th: `second`, `tenth`, `100th`, `nth`.
fn ordinal(w: &str) -> bool {
    matches!(
        w,
        "second"
            | "third"
            | "fourth"
            | "fifth"
            | "sixth"
            | "seventh"
            | "eighth"
            | "ninth"
            | "tenth"
            | "twentieth"
            | "hundredth"
            | "thousandth"
            | "nth"
    ) || ["nd", "rd", "th"].iter().any(|s| {
        w.strip_suffix(s)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// A word that names some days or hours (`weekdays`, `business` hours, `nights`): a check
/// scoped to it leaves the others open.
fn part_of_the_week_or_day(w: &str) -> bool {
    matches!(
        w,
        "sunday"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sundays"
            | "tuesdays"
            | "wednesdays"
            | "thursdays"
            | "saturdays"
            | "maintenance"
            | "weekend"
            | "holidays"
            | "overnight"
            | "weekdays"
            | "weekends"
            | "business"
            | "office"
            | "working"
            | "daytime"
            | "nights"
            | "night"
            | "mondays"
            | "fridays"
    )
}

/// The words before the first that `verb` says ends the subject (none when no word does):
/// what a sentence speaks of.
fn subject<'a>(words: &'a [&'a str], verb: impl Fn(&str) -> bool) -> &'a [&'a str] {
    &words[..words.iter().position(|w| verb(w)).unwrap_or(0)]
}

/// A sentence about a component or version that is gone: its subject (the words before its
/// first verb or relative pronoun) names no authentication, and it was removed, replaced or
/// retired (`an old gateway that used to check keys was removed`, `the previous version,
/// which had no check, was replaced`; not `the key check was removed`).
fn history(sentence: &[Vec<String>]) -> bool {
    let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
    let subject = subject(&words, |w| {
        matches!(
            w,
            "that" | "which" | "who" | "was" | "were" | "has" | "have" | "had" | "is" | "are"
        )
    });
    !subject.is_empty()
        && !subject
            .iter()
            .any(|w| AUTH_TERMS.contains(w) || MECHANISMS.contains(w))
        && words.windows(2).any(|p| {
            matches!(p[0], "was" | "were" | "been")
                && matches!(
                    p[1],
                    "removed"
                        | "replaced"
                        | "retired"
                        | "decommissioned"
                        | "deleted"
                        | "shut"
                        | "torn"
                        | "dropped"
                        | "superseded"
                )
        })
}

/// A credential published where anyone reads it: `an API key printed in our public
/// documentation`, `a secret committed to the public repository` (not a JWKS, a certificate or
/// a public key, which are public by design).
fn published_credential(sentence: &[Vec<String>]) -> bool {
    let w_at = |c: &[String], i: usize| c.get(i).map_or("", String::as_str).to_owned();
    let named = |y: &str| {
        AUTH_TERMS.contains(&y)
            || MECHANISMS.contains(&y)
            || matches!(y, "secret" | "jwks" | "certificate" | "certificates")
    };
    default_credential(sentence)
        || sentence.iter().enumerate().any(|(m, c)| {
            // A clause opening with a pronoun (`a bearer token is required; it is printed in
            // the integration guide`) speaks of the credential of the clauses before it.
            let referent: Option<(Vec<String>, usize)> = if c
                .iter()
                .find(|w| !matches!(w.as_str(), "but" | "and" | "so" | "yet"))
                .is_some_and(|w| matches!(w.as_str(), "it" | "they" | "which" | "it's" | "they're"))
            {
                let earlier: Vec<String> = sentence[..m].iter().flatten().cloned().collect();
                earlier
                    .iter()
                    .rposition(|y| named(y))
                    .map(|k| (earlier[k.saturating_sub(1)..=k].to_vec(), 1.min(k)))
            } else {
                None
            };
            (0..c.len()).any(|i| {
                // What is published: the nearest credential before the participle in its clause.
                // Past the object of a modifier: `the JWKS used to verify tokens is published`.
                let nearest = (0..i).rev().find(|&k| {
                    named(&c[k])
                        && !c[k.saturating_sub(2)..k].iter().any(|v| {
                            ["verif", "sign", "check", "validat"]
                                .iter()
                                .any(|p| v.starts_with(p))
                        })
                });
                // Public by design: a JWKS, a certificate, a public key. A client certificate
                // is shipped with the private key it authenticates by.
                let public = |c: &[String], k: usize| {
                    matches!(c[k].as_str(), "jwks")
                        || matches!(c[k].as_str(), "certificate" | "certificates")
                            && !(k > 0 && c[k - 1] == "client")
                        || matches!(c[k].as_str(), "key" | "keys") && k > 0 && c[k - 1] == "public"
                };
                // One credential for everyone is no one's: `it's the same for everyone`.
                c[i] == "same"
                    && w_at(c, i + 1) == "for"
                    && matches!(
                        w_at(c, i + 2).as_str(),
                        "everyone" | "anyone" | "everybody" | "anybody"
                    )
                    && (nearest.is_some() || referent.is_some())
                    // Found in something public: `a static API key that is also in the public
                    // OpenAPI example`.
                    || c[i] == "public"
                        && (i >= 1 && c[i - 1] == "in" || i >= 2 && c[i - 2] == "in" && matches!(c[i - 1].as_str(), "the" | "our" | "a"))
                        && match nearest {
                            Some(k) => !public(c, k),
                            None => false,
                        }
                        && c[i + 1..].iter().take(3).any(|y| {
                            matches!(
                                y.as_str(),
                                "example" | "examples" | "docs" | "documentation" | "repo"
                                    | "repository" | "spec" | "collection" | "workspace"
                                    | "gist" | "wiki" | "readme" | "guide" | "postman"
                            )
                        })
                    || matches!(
                    c[i].as_str(),
                    "printed"
                        | "published"
                        | "posted"
                        | "documented"
                        | "displayed"
                        | "committed"
                        | "pushed"
                        | "shared"
                        | "embedded"
                        | "embeds"
                        | "embed"
                        | "bundled"
                        | "bundles"
                        | "shipped"
                        | "ships"
                        | "baked"
                        | "compiled"
                        | "hardcoded"
                ) // `a shared secret` is a kind of secret, not one shared with the world.
                    && !(c[i] == "shared" && c.get(i + 1).is_some_and(|y| named(y)))
                    && match nearest {
                    Some(k) => !public(c, k),
                    None => referent.as_ref().is_some_and(|(r, k)| !public(r, *k)),
                } && c[i + 1..].iter().take(6).any(|y| {
                    matches!(
                        y.as_str(),
                        "documentation"
                            | "docs"
                            | "readme"
                            | "website"
                            | "wiki"
                            | "blog"
                            | "repository"
                            | "repo"
                            | "page"
                            | "guide"
                            | "guides"
                            | "manual"
                            | "handbook"
                            | "tutorial"
                            | "examples"
                            | "faq"
                            // A client every caller holds: its credential is theirs.
                            | "app"
                            | "apps"
                            | "client"
                            | "clients"
                            | "frontend"
                            | "browser"
                            | "javascript"
                            | "js"
                            | "html"
                            | "webpage"
                            | "spa"
                            | "bundle"
                            | "binary"
                            | "apk"
                            | "ipa"
                            | "sdk"
                    )
                })
            })
        })
}

/// A sentence about requests that carry no data, which browsers and load balancers send
/// without credentials: CORS preflights (`OPTIONS preflight requests are answered without a
/// token`) and health checks, named before its first verb.
fn carries_no_data(sentence: &[Vec<String>]) -> bool {
    let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
    let subject = subject(&words, |w| {
        matches!(
            w,
            "is" | "are"
                | "get"
                | "gets"
                | "receive"
                | "receives"
                | "go"
                | "pass"
                | "passes"
                | "answers"
                | "answer"
                | "responds"
                | "respond"
                | "serves"
                | "returns"
        )
    });
    subject.iter().any(|w| {
        matches!(
            *w,
            "preflight" | "preflights" | "options" | "health" | "healthcheck" | "healthchecks"
        )
    }) && !subject.iter().enumerate().any(|(k, w)| {
        (AUTH_TERMS.contains(w) || MECHANISMS.contains(w))
            // A health check is no check of callers.
            && !(matches!(*w, "check" | "checks") && k > 0 && subject[k - 1] == "health")
    })
}

/// Words naming a class of requests or callers: an HTTP method, reads or writes, a kind of
/// caller.
fn request_class(w: &str) -> bool {
    matches!(
        w,
        "get"
            | "post"
            | "put"
            | "patch"
            | "delete"
            | "reads"
            | "writes"
            | "internal"
            | "external"
            | "partner"
            | "partners"
            | "anonymous"
            | "admin"
            | "admins"
            | "routes"
            | "paths"
            | "endpoints"
            // The class beside the one checked: `partners need a key; others …`.
            | "others"
            | "rest"
            // Browsers beside servers: `server-to-server calls need nothing`.
            | "browser"
            | "browsers"
            | "server"
    )
}

/// A check scoped to one class of requests while a clause serves another as it comes: `HMAC
/// signatures are verified for POST requests; GET requests are served as they come`, `the key
/// is checked on writes; reads are open to everyone`, `partners need a key, but internal
/// callers need none`. Preflight and health requests, which carry no data, are not such a
/// class; a sentence that refuses (`… GET requests without one are rejected`) serves no one
/// unchecked.
fn class_left_open(sentences: &[Vec<Vec<String>>]) -> bool {
    let checks = |c: &[String]| {
        c.iter().any(|w| {
            AUTH_TERMS.contains(&w.as_str())
                || MECHANISMS.contains(&w.as_str())
                || required_state(w)
                || ["check", "verif", "validat", "authenticat", "requir"]
                    .iter()
                    .any(|p| w.starts_with(p))
        })
    };
    // The class may stand in a clause of its own: `tokens are verified, but only for POST`.
    let scoped = sentences
        .iter()
        .any(|s| s.iter().any(|c| checks(c)) && s.iter().flatten().any(|w| request_class(w)));
    let served = sentences.iter().any(|sentence| {
        !sentence.iter().flatten().any(|w| enforcement(w))
            && sentence.iter().any(|c| {
                let w = |i: usize| c.get(i).map_or("", String::as_str);
                // `only POST is accepted`, `POST only`, `accepts only GET`: a class named with
                // `only` is the one let in, and the rest are not (`not only GET` widens).
                let restricted = (0..c.len()).any(|k| {
                    request_class(w(k))
                        && (w(k.wrapping_sub(1)) == "only" && !negator(w(k.wrapping_sub(2)))
                            || w(k + 1) == "only")
                });
                !checks(c)
                    && !restricted
                    && c.iter().any(|w| request_class(w))
                    && !(0..c.len()).any(|k| {
                        matches!(w(k), "options" | "preflight" | "health" | "healthcheck" | "ping")
                            // The service's status, not a record's (`reads of payout status`).
                            || w(k) == "status"
                                && (matches!(w(k.wrapping_sub(1)), "" | "the" | "a" | "service" | "system" | "health")
                                    || matches!(w(k + 1), "page" | "endpoint" | "route" | "path" | "check" | "probe"))
                    })
                    && (0..c.len()).any(|i| {
                        let before_negated = c[..i].iter().any(|y| negator(y));
                        matches!(w(i), "need" | "needs" | "require")
                            && matches!(w(i + 1), "none" | "nothing" | "no")
                            || !before_negated
                                && (matches!(
                                    w(i),
                                    "served"
                                        | "processed"
                                        | "handled"
                                        | "answered"
                                        | "accepted"
                                        | "allowed"
                                        | "admitted"
                                        | "pass"
                                        | "trusted"
                                        | "open"
                                        | "serve"
                                        | "anyone"
                                        | "everyone"
                                        | "anybody"
                                        // Handled another way than the check: `others are
                                        // rate-limited instead`.
                                        | "instead"
                                ) || matches!(w(i), "go" | "get" | "goes" | "gets")
                                    && w(i + 1) == "through")
                    })
            })
    });
    scoped && served
}

/// A check that was, and is not any more: `tokens used to be verified`, `token validation no
/// longer runs`, `the key check has been removed` — unless what went is a component in front
/// (`a gateway that used to check keys was removed`).
fn no_longer(sentences: &[Vec<Vec<String>>]) -> bool {
    const CHECKS: &[&str] = &[
        "check",
        "checks",
        "validation",
        "verification",
        "authentication",
        "auth",
        "enforcement",
    ];
    sentences.iter().flatten().any(|c| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        let about = c
            .iter()
            .any(|y| AUTH_TERMS.contains(&y.as_str()) || CHECKS.contains(&y.as_str()));
        let front = c.iter().any(|y| {
            matches!(
                y.as_str(),
                "gateway" | "proxy" | "cdn" | "waf" | "cloudfront" | "authorizer"
            )
        });
        about
            && !front
            && (0..c.len()).any(|i| {
                w(i) == "used"
                    && w(i + 1) == "to"
                    // `the JWKS used to verify tokens is published`: used for, not once done.
                    && !c[i + 2..]
                        .iter()
                        .any(|y| matches!(y.as_str(), "is" | "are" | "was" | "were" | "has" | "have"))
                    || w(i) == "no"
                        && w(i + 1) == "longer"
                        && !matches!(
                            w(i + 2),
                            "accepts"
                                | "accepted"
                                | "allows"
                                | "allowed"
                                | "serves"
                                | "served"
                                | "lets"
                        )
                    // Its own predicate, up to a word that starts another: `the check of
                    // the body's HMAC has been removed`, not `… before the cache is removed`.
                    || CHECKS.contains(&w(i))
                        && !object_of_failure(c, i)
                        && (i + 2..c.len())
                            .take_while(|&k| !matches!(w(k), "and" | "or" | "that" | "which" | "before" | "after" | "when" | "while" | "until" | "once"))
                            .any(|k| {
                                matches!(w(k), "removed" | "deleted" | "retired" | "deprecated" | "decommissioned" | "dropped")
                                    && matches!(w(k - 1), "is" | "was" | "were" | "been" | "got" | "are")
                            })
            })
    })
}

/// Work that goes on after a failed check: `invalid signatures are logged and the payout is
/// still queued`, `invalid ones … still processed`.
fn still_goes_on(words: &[&str], i: usize) -> bool {
    words[i] == "still"
        && words[i + 1..]
            .iter()
            .find(|y| !matches!(**y, "be" | "been" | "is" | "are" | "gets" | "get"))
            .is_some_and(|y| {
                matches!(
                    *y,
                    "queued"
                        | "processed"
                        | "accepted"
                        | "handled"
                        | "executed"
                        | "served"
                        | "paid"
                        | "delivered"
                        | "forwarded"
                        | "run"
                        | "stored"
                        | "saved"
                        | "answered"
                )
            })
        && words.iter().any(|y| {
            matches!(
                *y,
                "invalid"
                    | "failed"
                    | "failing"
                    | "mismatched"
                    | "unsigned"
                    | "wrong"
                    | "bad"
                    | "expired"
                    | "mismatch"
                    | "mismatches"
            )
        })
}

/// A check that does not stop a request: a negated refusal (`logged but not rejected`),
/// `fails open`, `processed anyway`, `let … through`, a check made only when the caller
/// chooses (`checked only when the header is present`) or that anything passes (`every
/// signature matches`), or a hard-coded key, in a sentence about authentication.
fn lets_through(sentence: &[Vec<String>]) -> bool {
    let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
    let w = |i: usize| words.get(i).copied().unwrap_or("");
    let about_auth = words
        .iter()
        .any(|y| AUTH_TERMS.contains(y) || MECHANISMS.contains(y));
    let refusal = |y: &str| enforcement(y) && !matches!(y, "fail" | "fails" | "failed");
    // Failing open is said of the check wherever it stands: `…; if Redis is unreachable we
    // fail open`.
    let fails_open = (0..words.len()).any(|i| {
        matches!(w(i), "fail" | "fails" | "failing")
            && w(i + 1) == "open"
            && !(i > 0 && negator(w(i - 1)))
    });
    (0..words.len()).any(|i| still_goes_on(&words, i))
        || fails_open
        || about_auth
        && (0..words.len()).any(|i| {
            let x = w(i);
            negator(x)
                && words[i + 1..]
                    .iter()
                    .find(|y| !matches!(**y, "be" | "been" | "is" | "are" | "always" | "ever"))
                    .is_some_and(|y| refusal(y))
                || x == "anyway"
                || matches!(x, "let" | "lets" | "letting")
                    && words[i + 1..].iter().take(4).any(|y| matches!(*y, "through" | "in"))
                    // `lets requests in only with a valid key` restricts.
                    && !words[i + 1..].iter().take(6).any(|y| *y == "only")
                    && !words[i.saturating_sub(2)..i].iter().any(|y| negator(y))
                || matches!(
                    x,
                    "checked" | "validated" | "verified" | "enforced" | "required"
                ) && w(i + 1) == "only"
                    && (matches!(w(i + 2), "when" | "if")
                        // `verified only for partners who opted in`: the caller chooses.
                        || words[i + 2..].iter().take(6).any(|y| opting(y)))
                // The same in the active voice, past the object: `we verify the HMAC only when
                // the sender includes the header` (not past another verb: `we verify the key
                // and answer only when it matches`).
                || check_verb(x, &["requir"])
                    && (i + 1..(i + 12).min(words.len()))
                        .take_while(|&k| {
                            !matches!(w(k), "and" | "but" | "then" | "before" | "so" | "which" | "while" | "because")
                        })
                        .any(|k| {
                            w(k) == "only"
                                && matches!(w(k + 1), "when" | "if" | "whenever")
                                // ... on the caller's supplying it (`when the sender includes
                                // it`), not on its outcome (`responding only when it is valid`).
                                && words[(k + 2).min(words.len())..].iter().take(6).any(|y| {
                                    matches!(*y, "includes" | "include" | "included" | "sends"
                                        | "send" | "sent" | "present" | "provided" | "provides"
                                        | "supplies" | "supplied" | "attached" | "attaches"
                                        | "set" | "given" | "chooses" | "opts" | "wants")
                                })
                        })
                // A check that everything passes: `every signature matches`, `any key works`.
                // Also past the mechanism's qualifiers and what it is judged by: `any bearer
                // token with the right format is accepted`.
                || matches!(x, "any" | "every" | "all") && {
                    let qualifier = |y: &str| {
                        AUTH_TERMS.contains(&y)
                            || MECHANISMS.contains(&y)
                            || matches!(y, "api" | "bearer" | "access" | "signed")
                    };
                    let mut t = i + 1;
                    while t < i + 3 && qualifier(w(t)) && qualifier(w(t + 1)) {
                        t += 1;
                    }
                    AUTH_TERMS.contains(&w(t))
                        && words[(t + 1).min(words.len())..]
                            .iter()
                            .take(6)
                            .take_while(|y| !negator(y) && !enforcement(y))
                            .any(|y| {
                                matches!(
                                    *y,
                                    "matches" | "match" | "works" | "work" | "passes" | "pass"
                                        | "succeeds" | "accepted" | "goes"
                                )
                            })
                }
                // A mode that records instead of refusing: `log-only mode`, `shadow mode`,
                // `dry-run`, `report-only`; and a check taken back: `rolled back`.
                || matches!(x, "shadow" | "audit" | "monitor" | "monitoring" | "permissive"
                    | "passive" | "observe" | "observation" | "warning" | "learning" | "report"
                    | "reporting" | "log" | "logging")
                    && w(i + 1) == "mode"
                || x == "dry" && w(i + 1) == "run"
                || matches!(x, "log" | "report" | "warn" | "detect" | "monitor" | "audit")
                    && w(i + 1) == "only"
                    && matches!(w(i + 2), "mode" | "")
                || x == "rolled" && w(i + 1) == "back"
                // A check that may not happen, or is not the work's: best effort said of the
                // check (`token verification is best-effort`), not of something beside it
                // (`caching of introspection results is best-effort`).
                || x == "best" && w(i + 1) == "effort"
                    && sentence.iter().any(|c| {
                        c.windows(2).any(|p| p[0] == "best" && p[1] == "effort")
                            && (c
                                .iter()
                                .find(|y| !matches!(y.as_str(), "the" | "a" | "an" | "our" | "but" | "and" | "so"))
                                .is_some_and(|h| AUTH_TERMS.contains(&h.as_str()) || MECHANISMS.contains(&h.as_str()))
                                || c.iter().any(|y| checking(y)))
                    })
                // A check decided against, or a credential the function ignores: `decided
                // against checking keys`, `ignores the Authorization header`, `the signature
                // header is ignored` (not `requests with a bad signature are ignored`).
                || matches!(x, "decided" | "opted" | "chose" | "voted" | "ruled")
                    && w(i + 1) == "against"
                || matches!(x, "ignore" | "ignores" | "ignoring")
                    && words[i + 1..]
                        .iter()
                        .take(4)
                        .any(|y| AUTH_TERMS.contains(y) || MECHANISMS.contains(y))
                || (AUTH_TERMS.contains(&x) || MECHANISMS.contains(&x))
                    && {
                        let k = if matches!(w(i + 1), "header" | "field" | "parameter") { i + 2 } else { i + 1 };
                        w(k) == "is" && w(k + 1) == "ignored"
                    }
                || x == "out" && w(i + 1) == "of" && w(i + 2) == "scope"
                // A check made once the response has left: `verified after the response has
                // been streamed`.
                // Also past where and when it runs: `checked in a background job a few minutes
                // after the request is served`.
                || ["check", "verif", "validat", "authenticat"].iter().any(|p| x.starts_with(p))
                    && (i + 1..(i + 12).min(words.len()))
                        .take_while(|&k| !matches!(w(k), "before" | "and" | "but"))
                        .any(|k| {
                        matches!(w(k), "after" | "once")
                            && words[k + 1..]
                                .iter()
                                .take(5)
                                .take_while(|y| **y != "before")
                                .any(|y| {
                                    matches!(*y, "response" | "responding" | "responded"
                                        | "streamed" | "served" | "sent" | "returned"
                                        | "answered" | "replied")
                                })
                    })
                // A failed check that still serves: `an invalid signature receives a warning
                // header but is processed`.
                || x == "but"
                    && words[i.saturating_sub(8)..i].iter().any(|y| {
                        matches!(*y, "invalid" | "wrong" | "bad" | "expired" | "missing"
                            | "unsigned" | "without" | "failed" | "mismatched")
                    })
                    && !words[i.saturating_sub(8)..i].iter().any(|y| enforcement(y))
                    && words[i + 1..]
                        .iter()
                        .take(3)
                        .take_while(|y| !negator(y))
                        .any(|y| {
                            matches!(*y, "processed" | "served" | "accepted" | "answered"
                                | "handled" | "allowed")
                        })
                // What lacks the credential goes on: `tokens without one pass`.
                || x == "without"
                    && !words[..i].iter().any(|y| negator(y))
                    && words[i + 1..]
                        .iter()
                        .take(4)
                        .take_while(|y| !negator(y))
                        .any(|y| matches!(*y, "pass" | "passes" | "proceed" | "proceeds"))
                // A check that runs beside or after the work gates nothing: `token
                // verification happens asynchronously once the payout has been queued`.
                || checking(x)
                    && (words[i + 1..]
                        .iter()
                        .take_while(|y| !matches!(**y, "before" | "then"))
                        .any(|y| matches!(*y, "asynchronously" | "async" | "background"))
                        || words[i + 1..].iter().take(16).collect::<Vec<_>>().windows(3).any(|p| {
                            matches!(*p[0], "has" | "have" | "is" | "are")
                                && *p[1] == "been"
                                && matches!(*p[2], "queued" | "processed" | "sent" | "paid"
                                    | "answered" | "accepted" | "executed" | "delivered" | "returned")
                        }))
                // A check made after the work (`verified … after we enqueue the event`).
                || checking(x)
                    && words[i + 1..].iter().take(14).position(|y| *y == "after").is_some_and(|k| {
                        words[i + 2 + k..].iter().take(4).any(|y| {
                            // A verb of doing the work, in any form (not `sender`).
                            ["enqueue", "queue", "store", "save", "accept", "respond", "return",
                             "process", "forward", "persist", "write", "wrote", "written", "sent",
                             "send", "acknowledge", "insert", "publish", "answer", "serve"]
                                .iter()
                                .any(|p| {
                                    let stem = p.strip_suffix('e').unwrap_or(p);
                                    y.strip_prefix(stem).is_some_and(|rest| {
                                        matches!(rest, "" | "e" | "s" | "es" | "d" | "ed" | "ing")
                                    })
                                })
                        })
                    })
                // A key everyone's client holds is no secret.
                // (A setting hard-coded on, `REQUIRE_AUTH=true is hard-coded`, is none.)
                || (x == "hardcoded" || x == "hard" && w(i + 1) == "coded")
                    && !words[i.saturating_sub(6)..i].contains(&"envvar")
                // A comparison that accepts other keys: a prefix, substring or partial match,
                // or one ignoring case.
                // Only some of it compared: `compares only the first 8 characters`.
                || matches!(x, "first" | "last" | "leading" | "trailing")
                    && count(w(i + 1))
                    && matches!(w(i + 2), "characters" | "chars" | "bytes" | "digits" | "letters")
                    && words[..i].iter().any(|y| ["compar", "match", "check"].iter().any(|p| y.starts_with(p)))
                || matches!(x, "prefix" | "substring" | "partial" | "fuzzy")
                    && matches!(w(i + 1), "match" | "matches" | "matching" | "comparison")
                // The same as the comparison names it: `compared with startsWith`, `compared
                // against the configured prefix`.
                || (matches!(x, "startswith" | "beginswith" | "hasprefix" | "endswith")
                    // `includes` as the method a comparison calls, not the verb: `a token whose
                    // scope includes chat:invoke`.
                    || x == "includes" && matches!(w(i.wrapping_sub(1)), "with" | "using" | "via" | "by" | "uses" | "calls"))
                    && words[..i].iter().any(|y| AUTH_TERMS.contains(y) || MECHANISMS.contains(y))
                || ["compar", "match"].iter().any(|p| x.starts_with(p))
                    && words[i + 1..]
                        .iter()
                        .take(6)
                        .any(|y| matches!(*y, "prefix" | "prefixes" | "substring" | "substrings"))
                // What failed goes on: `invalid signatures are logged and the payout is still
                // queued` (the failure named by its own word, `invalid ones`, too).
                || matches!(x, "insensitive" | "caseinsensitive" | "case-insensitive")
                    && matches!(w(i + 1), "match" | "matches" | "matching" | "comparison" | "compare" | "compared")
                // The adverb after the comparison: `compared case-insensitively`.
                || matches!(x, "insensitively" | "caseinsensitively")
                    && words[i.saturating_sub(4)..i]
                        .iter()
                        .any(|y| ["compar", "match", "check"].iter().any(|p| y.starts_with(p)))
                // A check behind a switch that is off by default: `the flag defaults to false`.
                || matches!(x, "false" | "off" | "disabled" | "no" | "0")
                    && matches!((w(i.wrapping_sub(2)), w(i.wrapping_sub(1))), ("defaults", "to") | ("default", "is") | ("set", "to") | ("default", "to"))
                    && words.iter().any(|y| matches!(*y, "flag" | "flagged" | "toggle" | "setting" | "switch" | "variable" | "default" | "defaults"))
                // A check of presence only: `checks that the key header exists, not what it
                // contains`.
                || negator(x)
                    && words[i + 1..].iter().take(3).any(|y| {
                        matches!(*y, "value" | "values" | "contains" | "content" | "contents" | "validity")
                    })
                    && words[..i].iter().any(|y| y.starts_with("check") || y.starts_with("verif"))
        })
        || bypassed(sentence)
        || chosen_by_caller(sentence)
        || value_unjudged(&words)
        || taken_as_it_comes(sentence)
        || key_chosen_by_the_token(&words)
        || sentence.iter().any(|c| compared_with_the_request(c) || wildcard_accepted(c, &words))
        || sentence.iter().any(|c| failed_credential_served(c))
        || only_under_a_condition_that_is_off(sentence)
        || sentence.iter().any(|c| judged_by_form(c))
        || failure_counts_as_success(&words)
        || unsigned_tokens_pass(sentence)
}

/// A request with a failed credential served all the same: `requests with an expired key are
/// still served for a week`, `a revoked token keeps working` (not `… are never accepted`, nor
/// a clock skew's leeway).
fn failed_credential_served(clause: &[String]) -> bool {
    let w = |i: usize| clause.get(i).map_or("", String::as_str);
    let failed = |y: &str| {
        matches!(
            y,
            "invalid"
                | "wrong"
                | "bad"
                | "expired"
                | "revoked"
                | "forged"
                | "stale"
                | "mismatched"
                | "unknown"
                | "malformed"
                | "tampered"
        )
    };
    let served = |y: &str| {
        matches!(
            y,
            "served"
                | "processed"
                | "accepted"
                | "answered"
                | "handled"
                | "allowed"
                | "honoured"
                | "honored"
                | "working"
                | "works"
                | "succeed"
                | "succeeds"
        )
    };
    !clause
        .iter()
        .any(|y| enforcement(y) || matches!(y.as_str(), "skew" | "leeway"))
        && (0..clause.len()).any(|i| {
            failed(w(i))
                && clause[i + 1..]
                    .iter()
                    .take(8)
                    .any(|y| AUTH_TERMS.contains(&y.as_str()))
                || failed(w(i))
                    && i + 1 < clause.len()
                    && (AUTH_TERMS.contains(&w(i + 1)) || matches!(w(i + 1), "ones" | "one"))
        })
        && (0..clause.len()).any(|k| {
            served(w(k))
                && clause[..k].iter().any(|y| failed(y))
                && !clause[..k].iter().rev().take(4).any(|y| negator(y))
                // `accepts expired ones indefinitely`.
                || matches!(w(k), "accepts" | "accept" | "allows" | "allow" | "serves" | "honours" | "honors")
                    && clause[k + 1..].iter().take(3).any(|y| failed(y))
                    && !clause[..k].iter().rev().take(4).any(|y| negator(y))
        })
}

/// A check or refusal that holds only under a condition the reason says is off: `401 only in
/// strict mode, which is off`, `checked only when VERIFY is set, and it is disabled`.
fn only_under_a_condition_that_is_off(sentence: &[Vec<String>]) -> bool {
    let words: Vec<&str> = sentence.iter().flatten().map(String::as_str).collect();
    let w = |i: usize| words.get(i).copied().unwrap_or("");
    // Where each clause starts in `words`: the check or refusal must be in the clause of its
    // `only` (not `debug logging happens only in staging, where it is off by default` beside
    // a check).
    let mut start = Vec::with_capacity(words.len());
    let mut at = 0;
    for c in sentence {
        start.extend(std::iter::repeat_n(at, c.len()));
        at += c.len();
    }
    (0..words.len()).any(|i| {
        w(i) == "only"
            && matches!(w(i + 1), "in" | "when" | "if" | "with" | "under" | "while")
            && words[start[i]..i].iter().any(|y| {
                enforcement(y)
                    || [
                        "check",
                        "verif",
                        "validat",
                        "requir",
                        "enforc",
                        "authenticat",
                    ]
                    .iter()
                    .any(|p| y.starts_with(p))
            })
            && words[i + 2..].iter().enumerate().any(|(k, y)| {
                let at = i + 2 + k;
                (switched_off_state(y) || *y == "false")
                    && matches!(
                        w(at - 1),
                        "is" | "are" | "stays" | "remains" | "currently" | "defaults"
                    )
                    && !words[at.saturating_sub(3)..at].iter().any(|z| negator(z))
            })
    })
}

/// A credential compared with what the same request carries — `checked against the value of
/// the request's own X-Expected-Key header`, `verified against the secret the caller sends`,
/// a key set `fetched from the iss claim of the token itself` — which the caller chooses
/// along with the credential: every request that agrees with itself passes. A reference the
/// function keeps (`compared with the header … against the key in Secrets Manager`) is one.
fn compared_with_the_request(c: &[String]) -> bool {
    let w = |i: usize| c.get(i).map_or("", String::as_str);
    let kept = |y: &str| {
        matches!(
            y,
            "stored"
                | "configured"
                | "secrets"
                | "manager"
                | "ssm"
                | "database"
                | "table"
                | "dynamodb"
                | "registered"
                | "issued"
                | "kept"
                | "environment"
                | "vault"
                | "kms"
                | "our"
                | "ours"
                | "pinned"
                | "cached"
                | "known"
                | "jwks"
        )
    };
    (0..c.len()).any(|i| {
        let compares = check_verb(w(i), &["compar", "match"]) && not_agent(w(i));
        let fetched = [
            "fetch", "load", "read", "taken", "resolv", "download", "retriev", "pull",
        ]
        .iter()
        .any(|p| w(i).starts_with(p))
            && c[..i].iter().any(|y| {
                matches!(
                    y.as_str(),
                    "key" | "keys" | "jwks" | "secret" | "certificate" | "set"
                )
            });
        // `verified using the secret from the token's payload`: what is used, taken from the
        // request.
        let using = check_verb(w(i), &[]) && not_agent(w(i));
        let Some(p) = (i + 1..c.len()).find(|&k| {
            compares && matches!(w(k), "against" | "with" | "to")
                || fetched && w(k) == "from"
                || using && w(k) == "using" && c[k + 1..].iter().any(|y| y == "from")
        }) else {
            return false;
        };
        // `validated with the x-square-hmacsha256-signature header` names what is checked:
        // only a comparison's `with` or `to` names what it is compared with.
        if !matches!(w(p), "against" | "from" | "using")
            && !["compar", "match"].iter().any(|s| w(i).starts_with(s))
        {
            return false;
        }
        // The reference ends where another clause of time or consequence begins: `checked
        // against a salted hash before it sends the request`.
        let end = (p + 1..c.len())
            .find(|&k| {
                matches!(
                    w(k),
                    "before"
                        | "after"
                        | "when"
                        | "if"
                        | "once"
                        | "while"
                        | "and"
                        | "so"
                        | "then"
                        | "because"
                        | "unless"
                )
            })
            .unwrap_or(c.len());
        let reference = &c[p + 1..end];
        let strong = reference.iter().any(|y| {
            matches!(
                y.as_str(),
                "sends" | "sent" | "submits" | "itself" | "own" | "whatever"
            )
        });
        let carried = reference.iter().any(|y| {
            matches!(
                y.as_str(),
                "header"
                    | "headers"
                    | "query"
                    | "body"
                    | "payload"
                    | "parameter"
                    | "param"
                    | "token's"
                    | "claim"
                    | "claims"
                    | "cookie"
            )
        });
        (strong || carried) && !reference.iter().any(|y| kept(y))
    })
}

/// A list of credentials holding a wildcard (`*`, read as `wildcard`): every credential is on
/// it. (`keys with a wildcard scope are rejected` refuses; CORS origins are no credentials.)
fn wildcard_accepted(c: &[String], sentence: &[&str]) -> bool {
    c.iter().enumerate().any(|(i, y)| {
        matches!(y.as_str(), "wildcard" | "wildcards")
            && !c[i.saturating_sub(3)..i].iter().any(|z| negator(z))
    }) && !c.iter().any(|y| {
        enforcement(y)
            || matches!(
                y.as_str(),
                "origin" | "origins" | "cors" | "scope" | "scopes"
            )
    }) && sentence.iter().any(|y| {
        matches!(
            *y,
            "key"
                | "keys"
                | "token"
                | "tokens"
                | "apikey"
                | "apikeys"
                | "secret"
                | "secrets"
                | "issuer"
                | "issuers"
                | "audience"
                | "audiences"
                | "credential"
                | "credentials"
        )
    })
}

/// A signature checked with a key the token itself names or carries (JWS's `jku`, `x5u` or
/// embedded `jwk` header, RFC 7515 4.1.2–4.1.5): whoever makes the token chooses the key, so
/// any token verifies — unless the key's location is held to a list the function keeps.
fn key_chosen_by_the_token(words: &[&str]) -> bool {
    let named = words.iter().enumerate().any(|(i, y)| {
        matches!(*y, "jku" | "x5u")
            || *y == "embedded"
                && words[i + 1..]
                    .iter()
                    .take(3)
                    .any(|z| matches!(*z, "jwk" | "key"))
            || *y == "jwk" && words.get(i + 1).is_some_and(|z| *z == "header")
    });
    let held = words.iter().any(|y| {
        matches!(
            *y,
            "allowlist"
                | "allowlisted"
                | "whitelist"
                | "whitelisted"
                | "pinned"
                | "trusted"
                | "known"
                | "configured"
        )
    }) || words.windows(2).any(|p| p[0] == "allow" && p[1] == "list");
    named && !held
}

/// A credential taken as it comes: `its signature is trusted as it comes`, `the token is
/// accepted at face value`.
fn taken_as_it_comes(sentence: &[Vec<String>]) -> bool {
    sentence.iter().any(|c| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        (0..c.len()).any(|i| {
            (w(i) == "as"
                && matches!(w(i + 1), "it" | "they")
                && matches!(w(i + 2), "comes" | "come")
                || w(i) == "at" && w(i + 1) == "face" && w(i + 2) == "value")
                && c[..i]
                    .iter()
                    .any(|y| AUTH_TERMS.contains(&y.as_str()) || MECHANISMS.contains(&y.as_str()))
                && !c.iter().any(|y| negator(y) || enforcement(y))
        })
    })
}

/// What a caller sends left unjudged: `its value is not compared with anything`, `the
/// header's contents are never checked` (in a reason about a URL's callers, the value is the
/// credential's).
fn value_unjudged(words: &[&str]) -> bool {
    // Its value put to no use: `its value is logged for analytics and otherwise unused`.
    let unused = (0..words.len()).any(|i| {
        matches!(words[i], "unused" | "disregarded")
            && words[i.saturating_sub(8)..i]
                .iter()
                .any(|y| matches!(*y, "value" | "values" | "contents" | "content"))
    });
    unused
        || (0..words.len()).any(|i| {
            negator(words[i])
                && words[i.saturating_sub(3)..i]
                    .iter()
                    .any(|y| matches!(*y, "value" | "values" | "contents" | "content"))
                && words[i + 1..]
                    .iter()
                    .find(|y| !matches!(**y, "be" | "been" | "is" | "are" | "ever" | "actually"))
                    .is_some_and(|y| {
                        [
                            "compar", "check", "verif", "validat", "match", "look", "inspect",
                            "read",
                        ]
                        .iter()
                        .any(|p| y.starts_with(p))
                    })
        })
}

/// A credential accepted for its form, not checked against anything: `any key that starts
/// with sk- is accepted`, `any non-empty Authorization header is accepted`, `a token of the
/// right length works`.
fn judged_by_form(clause: &[String]) -> bool {
    let words: Vec<&str> = clause.iter().map(String::as_str).collect();
    let w = |i: usize| words.get(i).copied().unwrap_or("");
    let form = (0..words.len()).any(|i| {
        matches!(
            w(i),
            "starts" | "start" | "starting" | "begins" | "begin" | "beginning" | "ends" | "ending"
        ) && w(i + 1) == "with"
            || w(i) == "non" && w(i + 1) == "empty"
            || matches!(w(i), "nonempty" | "prefixed")
            || w(i) == "looks" && w(i + 1) == "like"
            || w(i) == "right" && matches!(w(i + 1), "length" | "format" | "shape" | "prefix")
            || matches!(w(i), "longer" | "shorter") && w(i + 1) == "than"
    });
    let accepted = words.iter().any(|y| {
        matches!(
            *y,
            "accepted" | "accepts" | "accept" | "works" | "passes" | "allowed" | "allows"
        )
    });
    // Checked against something after all: `… and verified against the JWKS`.
    let judged = words.iter().any(|y| {
        enforcement(y)
            || negator(y)
            || ["verif", "validat", "compar", "authenticat"]
                .iter()
                .any(|p| y.starts_with(p))
    });
    form && accepted
        && !judged
        && words
            .iter()
            .any(|y| AUTH_TERMS.contains(y) || MECHANISMS.contains(y) || *y == "header")
}

/// A failed check taken for a passed one: `errors during the comparison count as a match`,
/// `a timeout is treated as valid`.
fn failure_counts_as_success(words: &[&str]) -> bool {
    let w = |i: usize| words.get(i).copied().unwrap_or("");
    (0..words.len()).any(|i| {
        (matches!(
            w(i),
            "count"
                | "counts"
                | "counted"
                | "treated"
                | "treat"
                | "treats"
                | "considered"
                | "regarded"
                | "taken"
        ) && w(i + 1) == "as"
            // `falls back to the guest account`, `defaults to the anonymous tenant`.
            || matches!(w(i), "falls" | "fall" | "falling") && w(i + 1) == "back" && w(i + 2) == "to"
            || matches!(w(i), "defaults" | "default" | "maps" | "mapped") && w(i + 1) == "to")
            && {
                let head = if w(i + 1) == "back" { i + 3 } else { i + 2 };
                let k = if matches!(w(head), "a" | "an" | "the") {
                    head + 1
                } else {
                    head
                };
                // Or as a caller of its own: `a missing key is treated as the default tenant`.
                matches!(
                    w(k),
                    "default"
                        | "anonymous"
                        | "guest"
                        | "public"
                        | "admin"
                        | "trusted"
                        | "match"
                        | "success"
                        | "successful"
                        | "valid"
                        | "pass"
                        | "passed"
                        | "authenticated"
                        | "authorized"
                        | "ok"
                        | "verified"
                )
            }
            && words[i.saturating_sub(8)..i].iter().any(|y| {
                matches!(
                    *y,
                    "errors"
                        | "error"
                        | "failures"
                        | "failure"
                        | "timeouts"
                        | "timeout"
                        | "exceptions"
                        | "exception"
                        | "missing"
                        | "empty"
                        | "invalid"
                        | "expired"
                        | "unknown"
                        | "mismatches"
                        | "unreachable"
                        | "unavailable"
                        | "times"
                        | "down"
                )
            })
            && !words[i.saturating_sub(3)..i].iter().any(|y| negator(y))
    })
}

/// A check made when the caller chooses to send the credential, said as a condition before the
/// check (`if the caller supplies a JWT, the handler validates it`, `when a token is present we
/// verify it`), in a reason that requires, restricts or refuses nothing: a request without one
/// is served.
fn checked_if_present(sentences: &[Vec<Vec<String>>]) -> bool {
    let requires = sentences.iter().flatten().flatten().any(|w| {
        enforcement(w)
            || foreign_refusal(w)
            || [
                "müss",
                "muss",
                "doi",
                "debe",
                "deve",
                "moet",
                "erforderlich",
                "obligatori",
                "obbligatori",
                "obrigatóri",
                "verplicht",
                "requis",
                "requerid",
                "richiest",
            ]
            .iter()
            .any(|p| w.starts_with(p))
            || matches!(
                w.as_str(),
                "must"
                    | "required"
                    | "requires"
                    | "require"
                    | "mandatory"
                    | "needed"
                    | "need"
                    | "needs"
                    | "only"
                    | "unless"
                    | "otherwise"
                    // The same in German, French, Spanish, Italian, Portuguese and Dutch.
                    | "nur"
                    | "sonst"
                    | "seulement"
                    | "sinon"
                    | "solo"
                    | "sólo"
                    | "solamente"
                    | "altrimenti"
                    | "apenas"
                    | "senão"
                    | "alleen"
                    | "anders"
            )
    });
    let presence = |w: &str| {
        matches!(
            w,
            // `envía`, `envoie`, `invia`, `envia`, `sendet`, `schickt`, `stuurt`, `mitsendet`.
            // Present: `présent`, `presente`, `vorhanden`, `aanwezig`.
            "présent"
                | "présente"
                | "presente"
                | "vorhanden"
                | "aanwezig"
                | "envía"
                | "envia"
                | "envoie"
                | "invia"
                | "sendet"
                | "schickt"
                | "mitschickt"
                | "stuurt"
                | "incluye"
                | "inclut"
                | "inclui"
                | "fournit"
                | "fornisce"
                | "fornece"
                | "proporciona"
                // Their passives: `falls ein Token mitgeschickt wird`, `si un jeton est
                // envoyé`, `si se envía`, `se viene inviato`, `als er een token wordt
                // meegestuurd`.
                | "mitgeschickt"
                | "geschickt"
                | "gesendet"
                | "mitgesendet"
                | "übergeben"
                | "übermittelt"
                | "envoyé"
                | "envoyée"
                | "fourni"
                | "fournie"
                | "enviado"
                | "enviada"
                | "inviato"
                | "inviata"
                | "fornito"
                | "fornecido"
                | "meegestuurd"
                | "verstuurd"
                | "gestuurd"
                | "meegegeven"
                | "supplies"
                | "supply"
                | "supplied"
                | "sends"
                | "send"
                | "sent"
                | "includes"
                | "include"
                | "included"
                | "provides"
                | "provide"
                | "provided"
                | "passes"
                | "pass"
                | "passed"
                | "presents"
                | "present"
                | "attaches"
                | "attached"
                | "carries"
                | "has"
                | "gives"
                | "given"
                | "uses"
        )
    };
    !requires
        && sentences.iter().any(|sentence| {
            sentence.iter().enumerate().any(|(m, c)| {
                let w = |i: usize| c.get(i).map_or("", String::as_str);
                // `if` in the other languages read: `si`, `se`, `wenn`, `falls`, `als`.
                let condition = matches!(
                    w(0),
                    "if" | "when" | "whenever" | "where" | "si" | "se" | "wenn" | "falls" | "als"
                ) && c.iter().any(|y| presence(y))
                    && c.iter().any(|y| {
                        CREDENTIALS_NAMED.contains(&y.as_str())
                            || MECHANISMS.contains(&y.as_str())
                            || FOREIGN_MECHANISMS.contains(&y.as_str())
                    })
                    && !c.iter().any(|y| negator(y));
                // The check, in any language read (`valida`, `prüft`, `vérifie`).
                condition
                    && sentence[m + 1..]
                        .iter()
                        .flatten()
                        .any(|y| checking(y) || enforced(y) || y.starts_with("valid"))
            })
        })
}

/// A check told as a guess or an expectation, not a fact: a hedge (`probably`, `presumably`,
/// `supposed to`, `I believe`, and the other languages' `probably`) before the check it
/// qualifies in its clause (`the API key is probably checked`, `token validation is presumably
/// done by the middleware`). A hedge about something else (`stale tokens are most likely
/// replays`) or one a negator takes back (`we never assume the key is valid`) is none.
fn hedged(sentence: &[Vec<String>]) -> bool {
    const HEDGES: &[&str] = &[
        "probably",
        "presumably",
        "supposedly",
        "supposed",
        "hopefully",
        "likely",
        "maybe",
        "perhaps",
        "possibly",
        "apparently",
        "allegedly",
        "believe",
        "think",
        "assume",
        "guess",
        "afaik",
        "afaict",
        "expect",
        "expects",
        "assumed",
        "assumes",
        "should",
        "ought",
        // German, French, Spanish, Italian, Portuguese, Dutch.
        "wahrscheinlich",
        "vermutlich",
        "angeblich",
        "probablement",
        "apparemment",
        "probablemente",
        "supuestamente",
        "quizás",
        "quizá",
        "probabilmente",
        "presumibilmente",
        "forse",
        "provavelmente",
        "supostamente",
        "talvez",
        "waarschijnlijk",
        "vermoedelijk",
        "misschien",
    ];
    // A hedge closing a sentence that checks: `…, I think`, `…, to the best of my knowledge`.
    const TRAILING: &[&str] = &[
        "i",
        "i'm",
        "im",
        "we",
        "think",
        "believe",
        "guess",
        "assume",
        "suppose",
        "to",
        "the",
        "best",
        "of",
        "my",
        "our",
        "knowledge",
        "afaik",
        "afaict",
        "iirc",
        "as",
        "far",
        "know",
        "probably",
        "hopefully",
        "presumably",
        "fairly",
        "pretty",
        "quite",
        "sure",
        "if",
        "memory",
        "serves",
        "recall",
        "correctly",
    ];
    const CORE: &[&str] = &[
        "think",
        "believe",
        "guess",
        "assume",
        "suppose",
        "knowledge",
        "afaik",
        "afaict",
        "iirc",
        "know",
        "sure",
        "recall",
        "probably",
        "hopefully",
        "presumably",
        "memory",
    ];
    let trailing = (1..sentence.len()).any(|k| {
        let c = &sentence[k];
        c.len() <= 7
            && c.iter().all(|w| TRAILING.contains(&w.as_str()))
            && c.iter().any(|w| CORE.contains(&w.as_str()))
            && sentence[..k]
                .iter()
                .flatten()
                .any(|y| checking(y) || enforced(y) && !enforcement(y))
    });
    trailing
        || sentence.iter().any(|c| {
            (0..c.len()).any(|i| {
                let x = c[i].as_str();
                // `as far as I know`.
                let as_far_as = x == "far"
                    && i > 0
                    && c[i - 1] == "as"
                    && c.get(i + 1).is_some_and(|n| n == "as");
                // `callers should send a key` asks the callers (judged as delegation); `the check
                // should be in place` guesses.
                let asked = matches!(x, "should" | "ought")
                    && i > 0
                    && c[i - 1..i].iter().any(|y| {
                        matches!(
                            y.as_str(),
                            "callers"
                                | "caller"
                                | "clients"
                                | "client"
                                | "partners"
                                | "partner"
                                | "users"
                                | "senders"
                                | "you"
                                | "requests"
                                | "request"
                                | "calls"
                                | "webhooks"
                                | "deliveries"
                        )
                    });
                // `Should the signature fail to verify, …`: `should` opening its clause before
                // its subject is a condition (`if the signature fails`), not a guess.
                let inverted = matches!(x, "should")
                    && i == 0
                    && c.get(1).is_some_and(|n| {
                        matches!(
                            n.as_str(),
                            "the" | "a" | "an" | "any" | "its" | "their" | "our" | "it" | "they"
                        )
                    });
                (HEDGES.contains(&x) && !asked && !inverted || as_far_as)
                    && !c[..i].iter().any(|y| negator(y))
                    && c[i + 1..].iter().take(8).any(|y| {
                        checking(y)
                        || enforced(y) && !enforcement(y)
                        // `valida`, `validé`, `validiert` in the other languages.
                        || y.starts_with("valid")
                        || matches!(
                            y.as_str(),
                            "done"
                                | "handled"
                                | "covered"
                                | "performed"
                                | "protected"
                                | "secured"
                                | "place"
                                | "active"
                                | "enabled"
                                | "working"
                        )
                    })
            })
        })
}

/// A key made from what callers know: derived, computed or hashed from the request's own
/// parts or public facts (`a key we derive from the request timestamp`, `the HMAC key is the
/// SHA-256 of the partner's company name`) signs what anyone can sign. A source naming a
/// secret (a master key, a private key, KMS, a random seed, a password) is one. So is a key
/// that is an identifier (`each customer's key is their e-mail address`, `the partner's key is
/// its company domain name`): a name says who, and anyone can say it. An empty or dummy one
/// (`verified with an empty key`) holds nothing to know at all.
fn key_from_public_data(sentence: &[Vec<String>]) -> bool {
    const KEYS: &[&str] = &[
        "key",
        "keys",
        "apikey",
        "secret",
        "password",
        "passphrase",
        "token",
        "pin",
    ];
    const IDENTIFIERS: &[&str] = &[
        "email", "mail", "address", "domain", "name", "username", "hostname", "id", "slug", "url",
    ];
    let identifier = sentence.iter().any(|c| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        (0..c.len()).any(|k| {
            KEYS.contains(&w(k))
                && matches!(w(k + 1), "is" | "are" | "equals")
                && !negator(w(k + 2))
                && {
                    // The noun phrase after it, to its head: `their e-mail address`.
                    let phrase: Vec<&str> = (k + 2..c.len().min(k + 8))
                        .map(w)
                        .enumerate()
                        .take_while(|&(n, y)| {
                            // `e-mail` is `e mail`, whose `e` is no function word.
                            !function_word(y)
                                || y == "e"
                                || n == 0
                                    && matches!(
                                        y,
                                        "the" | "a" | "an" | "their" | "its" | "his" | "her"
                                            | "our" | "your"
                                    )
                        })
                        .map(|(_, y)| y)
                        .collect();
                    let head = phrase.len().checked_sub(1).map(|n| (n, phrase[n]));
                    head.is_some_and(|(n, h)| {
                        IDENTIFIERS.contains(&h)
                            // A number names someone only as theirs: `phone number`.
                            || h == "number"
                                && n > 0
                                && matches!(
                                    phrase[n - 1],
                                    "phone" | "customer" | "account" | "order" | "tax" | "membership"
                                )
                    })
                        // An ID the server draws at random and looks up (`an opaque session
                        // ID`) is a bearer credential, as OWASP counts a session's ID.
                        && !phrase.iter().any(|y| {
                            y.starts_with("secret")
                                || matches!(
                                    *y,
                                    "random" | "token" | "hash" | "opaque" | "unguessable"
                                        | "session" | "sessions"
                                )
                        })
                }
        })
    });
    let empty = sentence.iter().any(|c| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        !c.iter().any(|y| enforcement(y) || negator(y))
            && (0..c.len()).any(|k| {
                matches!(w(k), "empty" | "blank" | "dummy")
                    && (k + 1..k + 5).any(|j| KEYS.contains(&w(j)))
                    || KEYS.contains(&w(k))
                        && matches!(w(k + 1), "is" | "are" | "stays" | "left")
                        && matches!(w(k + 2), "empty" | "blank")
            })
    });
    identifier || empty || key_made_from_public_data(sentence)
}

fn key_made_from_public_data(sentence: &[Vec<String>]) -> bool {
    const SECRET_SOURCE: &[&str] = &[
        "secret",
        "secrets",
        "master",
        "private",
        "kms",
        "hsm",
        "vault",
        "random",
        "entropy",
        "csprng",
        "urandom",
        "pepper",
        "password",
        "passphrase",
        "key",
        "keys",
        "token",
        "tokens",
        "credential",
        "credentials",
        "seed",
    ];
    sentence.iter().any(|c| {
        let w = |i: usize| c.get(i).map_or("", String::as_str);
        (0..c.len()).any(|d| {
            let derive = matches!(
                w(d),
                "derive"
                    | "derives"
                    | "derived"
                    | "deriving"
                    | "computed"
                    | "compute"
                    | "computes"
                    | "calculated"
                    | "generated"
                    | "built"
                    | "made"
            ) && (d + 1..d + 4).any(|k| w(k) == "from")
                || w(d) == "based" && w(d + 1) == "on";
            // A signature that is a plain hash is made from its input alone (one keyed by
            // HMAC is judged by its key).
            let hash = matches!(w(d), "sha" | "sha1" | "sha256" | "md5" | "hash" | "crc32")
                && (d + 1..d + 3).any(|k| w(k) == "of");
            let before = &c[d.saturating_sub(6)..d];
            let made = before
                .iter()
                .any(|y| matches!(y.as_str(), "key" | "keys" | "secret"))
                && (derive || hash)
                || hash
                    && before.iter().any(|y| y == "signature")
                    && !c[..d].iter().any(|y| y == "hmac");
            made && !c[..d].iter().any(|y| negator(y)) && {
                let from = (d + 1..c.len())
                    .find(|&k| matches!(w(k), "from" | "on" | "of"))
                    .unwrap_or(c.len());
                let source = &c[(from + 1).min(c.len())..];
                !source.is_empty()
                    && !source.iter().any(|y| {
                        SECRET_SOURCE.contains(&y.trim_end_matches("'s")) || y.starts_with("secret")
                    })
            }
        })
    })
}

/// Tokens that need no signature accepted: `tokens with alg none are accepted` (RFC 7519's
/// unsecured JWT), in a clause that refuses nothing (not `none and HS256 are rejected`).
fn unsigned_tokens_pass(sentence: &[Vec<String>]) -> bool {
    // `alg: none` ends one clause at its colon and starts the next.
    let split = |c: &Vec<String>, d: Option<&Vec<String>>| {
        c.last()
            .is_some_and(|y| matches!(y.as_str(), "alg" | "algorithm"))
            && d.and_then(|d| d.first()).is_some_and(|y| y == "none")
    };
    sentence.iter().enumerate().any(|(m, c)| {
        (c.iter().any(|y| y == "algnone")
            || split(c, sentence.get(m + 1))
            || c.windows(2).any(|p| {
                matches!(p, [a, b] | [b, a] if a == "none" && matches!(b.as_str(), "alg" | "algorithm"))
            }))
            && !c
                .iter()
                .any(|y| enforcement(y) || negator(y) && y != "none")
            && c.iter().any(|y| {
                matches!(
                    y.as_str(),
                    "accepted"
                        | "accepts"
                        | "accept"
                        | "allowed"
                        | "allows"
                        | "pass"
                        | "passes"
                        | "work"
                        | "works"
                        | "valid"
                )
            })
    })
}

/// A check made when the caller chooses, in a sentence that refuses no one: a condition of
/// presence after the check in its clause (`validated if the Authorization header is sent`,
/// `verified whenever the header is present`).
fn chosen_by_caller(sentence: &[Vec<String>]) -> bool {
    let judging = |w: &str| {
        ["check", "verif", "validat", "authenticat", "compar"]
            .iter()
            .any(|p| w.starts_with(p))
    };
    !sentence.iter().flatten().any(|w| enforcement(w))
        && sentence.iter().enumerate().any(|(m, c)| {
            let Some(at) = c.iter().position(|w| judging(w)) else {
                return false;
            };
            // The condition may stand in a clause of its own that restricts the check: `…
            // checked against the key, but only when the X-Sandbox header is absent`.
            let c: Vec<String> = match sentence.get(m + 1) {
                Some(next)
                    if next
                        .first()
                        .is_some_and(|w| matches!(w.as_str(), "but" | "only")) =>
                {
                    c.iter().chain(next).cloned().collect()
                }
                _ => c.clone(),
            };
            (at + 1..c.len()).any(|k| {
                matches!(c[k].as_str(), "if" | "when" | "whenever")
                    && c[k + 1..]
                        .iter()
                        .take(8)
                        .take_while(|z| !judging(z))
                        .any(|z| {
                            matches!(
                                z.as_str(),
                                "present"
                                    | "sent"
                                    | "provided"
                                    | "included"
                                    | "supplied"
                                    | "given"
                                    | "exists"
                                    | "set"
                                    // The caller leaving something out: an opt-out.
                                    | "absent"
                                    | "omitted"
                                    | "unset"
                            )
                        })
            })
        })
}

/// A clause whose check has a way around it: an exception that names no other credential
/// (`verified unless the X-Debug header is set`; not `refused unless the JWT verifies`, nor
/// `required unless a client certificate is presented`), or success on an outage (`returns
/// success when the key store is unreachable`).
fn bypassed(sentence: &[Vec<String>]) -> bool {
    outage_passes(sentence)
        || sentence.iter().enumerate().any(|(m, c)| {
            // `except` opens a clause; what it excepts is the clause before.
            let before = match m.checked_sub(1) {
                Some(p) if c.first().is_some_and(|w| w == "except") => sentence[p].as_slice(),
                _ => &[],
            };
            let refused_later = sentence[m + 1..].iter().flatten().any(|w| enforcement(w));
            bypassed_clause(c, before, refused_later)
        })
}

/// Success on an outage told across clauses: `if the identity provider is down, requests are
/// allowed`, `when the key store times out, the call proceeds` — a condition of the checker
/// failing, and a later clause letting requests through, none refusing.
fn outage_passes(sentence: &[Vec<String>]) -> bool {
    let outage = |y: &str| {
        matches!(
            y,
            "unreachable"
                | "unavailable"
                | "down"
                | "outage"
                | "timeout"
                | "times"
                | "offline"
                | "errors"
                | "error"
                | "erroring"
                | "slow"
                | "fails"
                | "failing"
                | "degraded"
                | "failure"
                | "failures"
                | "throws"
                | "throw"
                | "exception"
                | "exceptions"
                | "crashes"
                | "5xx"
        )
    };
    // On an outage a server error refuses too (`we answer 503`).
    let refusal = |y: &str| {
        enforcement(y)
            || y.len() == 3 && y.starts_with('5') && y.bytes().all(|b| b.is_ascii_digit())
    };
    let passes = |c: &[String]| {
        c.iter().enumerate().any(|(k, y)| {
            matches!(
                y.as_str(),
                "success"
                    | "succeeds"
                    | "passes"
                    | "pass"
                    | "allowed"
                    | "allows"
                    | "accepted"
                    | "continues"
                    | "continue"
                    | "proceeds"
                    | "proceed"
                    | "served"
                    | "through"
                    // `on a DynamoDB error we allow the call`.
                    | "allow"
                    | "accept"
                    | "serve"
                    | "answer"
                    | "answers"
            ) && c.get(k + 1).is_none_or(|n| n != "to")
        }) && !c.iter().any(|y| negator(y) || refusal(y))
    };
    // A failure of anything on the request's path that lets the request on is failing open,
    // whatever failed: the check did not decide (`if the check throws we return the model's
    // answer`, `on a DynamoDB error we allow the call`; not `… we return 503`).
    // The consequence is the clause after the condition's, or the rest of its own (`when
    // verification errors out we let the request continue`).
    sentence.iter().enumerate().any(|(m, c)| {
        c.iter().enumerate().any(|(i, x)| {
            let window = || c[i + 1..].iter().take(8);
            // The model the function serves failing is no check failing: answering from a
            // cache or a fallback when Bedrock times out serves what the check let in.
            let upstream = window().any(|y| {
                matches!(
                    y.as_str(),
                    "bedrock" | "model" | "llm" | "upstream" | "claude" | "inference"
                )
            }) && !window()
                .any(|y| AUTH_TERMS.contains(&y.as_str()) || check_verb(y, &[]));
            let condition = matches!(x.as_str(), "if" | "when" | "whenever" | "while" | "on")
                && window().any(|y| outage(y))
                && !upstream;
            condition
                && (sentence.get(m + 1).is_some_and(|next| passes(next))
                    || c[i + 1..].iter().position(|y| outage(y)).is_some_and(|o| {
                        let rest = &c[i + 1 + o + 1..];
                        rest.iter()
                            .position(|y| {
                                matches!(
                                    y.as_str(),
                                    "continue"
                                        | "continues"
                                        | "proceed"
                                        | "proceeds"
                                        | "pass"
                                        | "passes"
                                        | "through"
                                        | "succeeds"
                                        | "allow"
                                        | "allows"
                                        | "serve"
                                        | "answer"
                                        | "answers"
                                )
                            })
                            // A refusal anywhere in it decides (`we answer 401`, `we
                            // return 503 and serve nothing`).
                            .is_some_and(|p| {
                                !rest[..p].iter().any(|y| negator(y))
                                    && !rest.iter().any(|y| refusal(y))
                            })
                    }))
        })
    })
}

/// `refused_later`: a later clause of the sentence refuses (`…, in which case it is rejected`).
fn bypassed_clause(c: &[String], before: &[String], refused_later: bool) -> bool {
    let w = |i: usize| c.get(i).map_or("", String::as_str);
    // The check in any form: `verified`, `the function checks`, `requires`.
    let checked = |y: &String| {
        [
            "check",
            "validat",
            "verif",
            "enforc",
            "requir",
            "authenticat",
        ]
        .iter()
        .any(|p| y.starts_with(p))
            && !y.ends_with("er")
            && !y.ends_with("or")
    };
    let refuses = |ys: &[String]| ys.iter().any(|y| enforcement(y));
    (0..c.len()).any(|i| {
        let x = w(i);
        let head = || before.iter().chain(&c[..i]);
        // An exception of a class of requests or a time (`except for requests from the office
        // network`, `except during the maintenance window`); not of requests that carry no
        // data (`except CORS preflights and the health check`).
        (x == "unless"
            || x == "except"
                && (matches!(
                    w(i + 1),
                    "when" | "if" | "for" | "during" | "from" | "on" | "in" | "at" | "while"
                )
                    // A route or method left open: `except the /replay path`, `except GET
                    // requests` (a class of requests by where they go).
                    || c[i + 1..].iter().take(4).any(|y| {
                        matches!(
                            y.as_str(),
                            "path" | "paths" | "route" | "routes" | "endpoint" | "endpoints"
                                | "method" | "methods" | "get" | "post" | "put" | "delete"
                                | "patch" | "webhook" | "webhooks" | "callback" | "callbacks"
                        )
                    })))
            && head().any(checked)
            && !head().any(|y| enforcement(y))
            && !refused_later
            && !c[i + 1..].iter().any(|y| {
                MECHANISMS.contains(&y.as_str())
                    || enforcement(y)
                    || matches!(
                        y.as_str(),
                        "preflight"
                            | "preflights"
                            | "options"
                            | "health"
                            | "healthcheck"
                            | "healthchecks"
                            | "cors"
                    )
            })
            || matches!(x, "when" | "if" | "whenever" | "while")
                && c.iter().any(|y| AUTH_TERMS.contains(&y.as_str()))
                && c[i + 1..].iter().take(8).any(|y| {
                    matches!(
                        y.as_str(),
                        "unreachable"
                            | "unavailable"
                            | "down"
                            | "outage"
                            | "timeout"
                            | "times"
                            | "errors"
                            | "error"
                            | "erroring"
                            | "slow"
                    )
                })
                && c.iter().any(|y| {
                    matches!(
                        y.as_str(),
                        "success"
                            | "succeeds"
                            | "passes"
                            | "allowed"
                            | "allows"
                            | "allow"
                            | "accepted"
                            | "continues"
                            | "continue"
                            | "proceed"
                            | "proceeds"
                    )
                })
                && !refuses(c)
    })
}

/// Words of a caller choosing to be checked: `partners who opted in`.
fn opting(w: &str) -> bool {
    matches!(
        w,
        "opted"
            | "opt"
            | "opts"
            | "optin"
            | "choose"
            | "chooses"
            | "chose"
            | "chosen"
            | "enrolled"
            | "enroll"
            | "enrolls"
            | "volunteer"
            | "volunteered"
            | "subscribed"
            | "prefer"
            | "prefers"
            | "wish"
            | "wishes"
            | "want"
            | "wants"
    )
}

/// `… an API key, but it is not required`, `we haven't wired up the key check`: a negated
/// requirement or act of protecting, in a sentence about authentication that refuses no one.
fn pronoun_negation(sentence: &[Vec<String>]) -> bool {
    let about_auth = sentence
        .iter()
        .flatten()
        .any(|w| AUTH_TERMS.contains(&w.as_str()));
    // As for conditions, a refusal applies to its clause and the clauses before it; `never let
    // through` refuses too.
    let refusing_from = |m: usize| {
        let rest: Vec<&str> = sentence[m..].iter().flatten().map(String::as_str).collect();
        rest.iter().any(|w| enforcement(w))
            || rest.windows(2).any(|p| negator(p[0]) && p[1] == "let")
    };
    // `… which we log but do not verify`: the act of checking, in any form.
    let put_in_place = |w: &str| {
        required_state(w)
            || adding(w)
            || [
                "check",
                "verif",
                "validat",
                "enforc",
                "requir",
                "authenticat",
                "inspect",
                "look",
                "examin",
                "evaluat",
                "consult",
                "compar",
                "match",
            ]
            .iter()
            .any(|stem| w.starts_with(stem))
    };
    // `… broke verification, so it's turned off while we sort it out`: a pronoun for the check
    // in a switched-off state.
    let pronoun_off = |c: &[String]| {
        (0..c.len()).any(|i| {
            matches!(c[i].as_str(), "it" | "it's" | "they" | "they're" | "this")
                && c[i + 1..]
                    .iter()
                    .find(|w| {
                        !matches!(
                            w.as_str(),
                            "is" | "are"
                                | "was"
                                | "were"
                                | "been"
                                | "has"
                                | "have"
                                | "gets"
                                | "got"
                                | "turned"
                                | "switched"
                                | "now"
                                | "currently"
                                | "still"
                        )
                    })
                    .is_some_and(|w| switched_off_state(w))
        })
    };
    about_auth
        && sentence.iter().enumerate().any(|(m, c)| {
            !refusing_from(m)
                && (pronoun_off(c)
                    || (0..c.len()).any(|i| {
                        negator(&c[i])
                            && !thing_is_not_auth(c, i)
                            && c[i + 1..]
                                .iter()
                                .enumerate()
                                .find(|(_, w)| {
                                    !matches!(
                                        w.as_str(),
                                        "be" | "been"
                                            | "yet"
                                            | "even"
                                            | "ever"
                                            | "really"
                                            | "fully"
                                    )
                                })
                                // `cannot be turned off` negates removing protection.
                                .is_some_and(|(k, w)| {
                                    put_in_place(w)
                                        // `… is not used again`: used once.
                                        && !matches!(
                                            c.get(i + 2 + k).map(String::as_str),
                                            Some("off" | "down" | "again" | "twice")
                                        )
                                })
                    }))
        })
}

/// `a CAPTCHA is not authentication`: what a named thing that is no part of the URL is not,
/// with the negator at `j` — no absence of authentication.
fn thing_is_not_auth(c: &[String], j: usize) -> bool {
    let copula = |z: &str| matches!(z, "is" | "are" | "was" | "were");
    let subject_end = match c[j].as_str() {
        "not" if j > 0 && copula(&c[j - 1]) => j - 1,
        "isn't" | "aren't" | "wasn't" | "weren't" => j,
        _ => return false,
    };
    let subject = &c[..subject_end];
    c.get(j + 1)
        .is_some_and(|x| matches!(x.as_str(), "authentication" | "auth"))
        && !subject.is_empty()
        && !subject.iter().any(|z| {
            AUTH_TERMS.contains(&z.as_str())
                || MECHANISMS.contains(&z.as_str())
                || matches!(
                    z.as_str(),
                    "url"
                        | "endpoint"
                        | "function"
                        | "service"
                        | "api"
                        | "route"
                        | "it"
                        | "this"
                        | "handler"
                        | "lambda"
                        | "app"
                        | "there"
                )
        })
}

/// How authentication is negated at a word of a clause.
enum Scope {
    /// An unauthenticated-state word not under a negator.
    Open,
    /// A term under the negator at this index.
    Before(usize),
    /// A term followed by a negating state, or by the negator at this index and a
    /// requirement (`key not required`).
    After(Option<usize>),
}

/// Verbs of taking a check away, before their object: `removed the key`, `scrapped token
/// validation`.
fn removal(w: &str) -> bool {
    matches!(
        w,
        "removed"
            | "remove"
            | "removes"
            | "ripped"
            | "stripped"
            | "scrapped"
            | "dropped"
            | "abandoned"
            | "retired"
            | "deprecated"
            | "eliminated"
    )
}

/// Whether the term at `i` is the object of a failure, which describes its subject, whose
/// state follows: `events failing verification are dropped` drops the events, not the
/// verification.
fn object_of_failure(c: &[String], i: usize) -> bool {
    // Past the object's determiner and modifiers: `fail the signature check`.
    c[i.saturating_sub(4)..i]
        .iter()
        .rev()
        .take_while(|y| {
            !matches!(
                y.as_str(),
                "is" | "are" | "was" | "were" | "and" | "or" | "but"
            )
        })
        .any(|y| {
            matches!(
                y.as_str(),
                "failing" | "fail" | "fails" | "failed" | "flunking"
            )
        })
}

fn negated_at(c: &[String], i: usize) -> Option<Scope> {
    let w = |i: usize| c.get(i).map_or("", String::as_str);
    let x = w(i);
    // `anyone with the URL`, `whoever knows the link`: the URL is the only key.
    let holds_url = matches!(x, "anyone" | "anybody" | "everyone" | "everybody" | "whoever")
        && matches!(w(i + 1), "with" | "who" | "that" | "knows" | "has" | "having")
        && (i + 2..i + 5).any(|k| matches!(w(k), "url" | "link" | "address" | "endpoint"))
        // `anyone with the URL still needs a key` requires one.
        && !c.iter().any(|y| AUTH_TERMS.contains(&y.as_str()));
    // `left open`, `Open until further notice`, `stays open while …`: the URL's state, not
    // `open data` or `an open-source SDK` (a noun follows those).
    let open_url = x == "open"
        && (i == 0
            || matches!(
                w(i - 1),
                "left"
                    | "is"
                    | "are"
                    | "it's"
                    | "stays"
                    | "remains"
                    | "kept"
                    | "leave"
                    | "leaves"
                    | "be"
                    | "completely"
                    | "fully"
            ))
        && matches!(
            w(i + 1),
            "" | "until"
                | "till"
                // `until` in German, French, Spanish, Portuguese, Italian and Dutch.
                | "bis"
                | "jusqu'à"
                | "jusqu'au"
                | "hasta"
                | "até"
                | "fino"
                | "tot"
                | "for"
                | "while"
                | "on"
                | "to"
                | "because"
                | "as"
                | "so"
                | "and"
                | "now"
                | "right"
                | "intentionally"
                | "deliberately"
                | "by"
        );
    // `answers everyone`, `staging accepts any caller`: every caller, unqualified (not `anyone
    // with a valid token`, `every caller that signs`).
    let everyone = matches!(x, "anyone" | "anybody" | "everyone" | "everybody");
    let every_caller = matches!(x, "any" | "all" | "every")
        && matches!(
            w(i + 1),
            "caller"
                | "callers"
                | "request"
                | "requests"
                | "client"
                | "clients"
                | "one"
                | "sender"
                | "senders"
                | "origin"
                | "origins"
        );
    let qualifier = w(if every_caller { i + 2 } else { i + 1 });
    let serves_all = (everyone || every_caller)
        && i > 0
        && matches!(
            w(i - 1),
            "accepts"
                | "accept"
                | "accepted"
                | "allows"
                | "allow"
                | "serves"
                | "serve"
                | "admits"
                | "trusts"
                | "answers"
                | "answer"
                | "responds"
                | "lets"
        )
        && !matches!(
            qualifier,
            "with"
                | "that"
                | "which"
                | "who"
                | "whose"
                | "carrying"
                | "bearing"
                | "signed"
                | "holding"
                | "presenting"
                | "having"
                | "authenticated"
                | "sending"
        )
        // `accepts any request and checks its HMAC`: the clause names its check.
        && (everyone || !c.iter().any(|y| MECHANISMS.contains(&y.as_str())));
    if open_state(x) || x == "wide" && w(i + 1) == "open" || holds_url || open_url || serves_all {
        let negators = c[..i].iter().filter(|y| negator(y)).count();
        return (negators % 2 == 0).then_some(Scope::Open);
    }
    if !AUTH_TERMS.contains(&x) {
        return None;
    }
    // A negator scoping the term: directly, through fillers, or through one verb.
    let mut verb = false;
    // A verb of taking it away scopes it as a negator does, past the object's modifiers: `we
    // removed the API key`, `scrapped temporary session tokens`.
    if let Some(j) = (i.saturating_sub(4)..i).rev().find(|&j| removal(w(j)))
        && !c[j + 1..i].iter().any(|y| negator(y) || enforcement(y))
    {
        return Some(Scope::Before(j));
    }
    for j in (0..i).rev() {
        let y = w(j);
        if negator(y) {
            // `… logs the key name, never the key`: a contrast that repeats the clause
            // before it without its verb, not an absence.
            if matches!(y, "never" | "not")
                && j == 0
                && i + 1 == c.len()
                && c[1..i]
                    .iter()
                    .all(|z| matches!(z.as_str(), "the" | "a" | "an" | "its" | "their"))
                && i > 1
            {
                return None;
            }
            // `there is no way to disable the check`: two negators cancel.
            if c[..j].iter().filter(|z| negator(z)).count() % 2 == 1 {
                return None;
            }
            // `the path segment is random, but it is not the credential`: what a subject that
            // is no credential is not, not an absence.
            let copula = |z: &str| matches!(z, "is" | "are" | "was" | "were");
            let (negated_copula, subject_end) = match y {
                "not" if j > 0 && copula(w(j - 1)) => (true, j - 1),
                "isn't" | "aren't" | "wasn't" | "weren't" => (true, j),
                _ => (false, 0),
            };
            if thing_is_not_auth(c, j) {
                return None;
            }
            if negated_copula
                && j + 1 < i
                && c[j + 1..i]
                    .iter()
                    .all(|z| matches!(z.as_str(), "the" | "a" | "an" | "our" | "their" | "its"))
                && matches!(
                    x,
                    "credential"
                        | "credentials"
                        | "key"
                        | "keys"
                        | "token"
                        | "tokens"
                        | "signature"
                )
                && !c[..subject_end]
                    .iter()
                    .any(|z| AUTH_TERMS.contains(&z.as_str()) || MECHANISMS.contains(&z.as_str()))
            {
                return None;
            }
            // `no key is ever accepted from the query`: a rule about keys, not their absence.
            if y == "no" && states_a_handling(&c[i + 1..]) {
                return None;
            }
            return Some(Scope::Before(j));
        }
        if noun_phrase_filler(y) {
            continue;
        }
        if !verb && auth_verb(y) {
            verb = true;
            continue;
        }
        break;
    }
    if object_of_failure(c, i) {
        return None;
    }
    // A state after the term: `auth disabled`, `key is not required`, `key isn't needed`.
    let mut last_negator = None;
    for (k, y) in c.iter().enumerate().skip(i + 1).take(4) {
        let y = y.as_str();
        if negating_state(y) {
            return last_negator.is_none().then_some(Scope::After(None));
        }
        if negator(y) {
            last_negator = Some(k);
            continue;
        }
        if required_state(y) {
            // `the token is not used again`: used once, not absent.
            if c.get(k + 1).is_some_and(|n| {
                matches!(n.as_str(), "again" | "twice" | "afterwards" | "thereafter")
            }) {
                return None;
            }
            return last_negator.map(|k| Scope::After(Some(k)));
        }
        if !matches!(
            y,
            "is" | "are"
                | "was"
                | "be"
                | "been"
                | "being"
                | "gets"
                | "get"
                | "stays"
                | "remains"
                | "currently"
                | "fully"
                | "entirely"
                | "simply"
                | "just"
                | "even"
                | "at"
                | "all"
                | "really"
                | "check"
                | "checks"
                | "checking"
                | "strictly"
                | "turned"
                | "switched"
                | "left"
                | "kept"
                | "now"
                | "can"
                | "could"
                | "may"
                | "ever"
                | "a"
                | "an"
                | "handled"
                | "done"
                | "performed"
                // The head of a compound: `the API key requirement was dropped`.
                | "requirement"
                | "requirements"
                | "validation"
                | "verification"
                | "support"
                | "logic"
        ) {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests;
