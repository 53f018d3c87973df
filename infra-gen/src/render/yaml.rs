//! A YAML emitter for CloudFormation templates.
//!
//! General-purpose serializers cannot write CloudFormation's short-form tags (`!Ref`,
//! `!GetAtt`, `!Sub`) and choose their own quoting; this one owns both, so output is
//! byte-for-byte deterministic and reads like a hand-written template. Strings are written
//! plain only when every YAML 1.1 and 1.2 parser reads them back as the same string.
//!
//! It is a serde `Serializer`: a typed template is written as it is walked, with no JSON tree
//! in between (building one cost `check` more than writing the text). Whatever serializes to
//! the JSON value `x` is written as the YAML of `x`.

use std::fmt::{self, Display, Write as _};

use serde::Serialize;
use serde::ser;
use serde_json::{Map, Value};

/// A value that cannot be written as YAML: a map key that is not a string, number or flag
/// (JSON has no such keys either), or a template that is not a mapping.
#[derive(Debug)]
pub struct Error(Reason);

#[derive(Debug)]
enum Reason {
    Message(String),
    /// A mapping given as a short form's argument: the caller writes the long form instead.
    NotShort,
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Reason::Message(m) => f.write_str(m),
            Reason::NotShort => f.write_str("a mapping cannot be a short-form argument"),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Self(Reason::Message(msg.to_string()))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self(Reason::Message(e.to_string()))
    }
}

fn not_a_mapping() -> Error {
    Error(Reason::Message("a template is a mapping".into()))
}

/// Renders a template object. Top-level sections are separated by blank lines, and so are
/// the entries of `Parameters`, `Resources` and `Outputs`.
pub fn template_to_yaml(template: &Map<String, Value>) -> Result<String, Error> {
    let mut out = String::new();
    write_template(&mut out, template)?;
    Ok(out)
}

/// [`template_to_yaml`] of anything that serializes as a template mapping, appended to `out`.
pub(crate) fn write_template<T: Serialize + ?Sized>(
    out: &mut String,
    template: &T,
) -> Result<(), Error> {
    template.serialize(Writer { out, at: At::Top })
}

fn indent(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    let mut n = n;
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

/// Where a value is written, which decides what comes before its first line.
#[derive(Clone, Copy)]
enum At<'k> {
    /// The template itself: each entry is a top-level key.
    Top,
    /// After top-level key `key`, not yet written: a non-empty mapping becomes a section
    /// after a blank line, its entries separated by blank lines.
    Section(&'k str),
    /// After `key:` at indentation `n`.
    Indicator(usize),
    /// After a sequence's `-` at indentation `n`: a mapping's first key shares its line.
    Dash(usize),
    /// The argument of intrinsic `name` in short form (`!name arg`), for a value whose key or
    /// dash is at indentation `n`; a mapping cannot be one.
    Short { name: &'k str, n: usize },
}

impl At<'_> {
    /// The indentation of the value's key or dash.
    fn n(self) -> usize {
        match self {
            Self::Indicator(n) | Self::Dash(n) | Self::Short { n, .. } => n,
            Self::Top | Self::Section(_) => 0,
        }
    }

    /// Before a scalar, a sequence or a short form.
    fn open_inline(self, out: &mut String) {
        match self {
            Self::Section(key) => {
                write_scalar(out, key);
                out.push(':');
            }
            Self::Short { name, .. } => {
                out.push_str(" !");
                out.push_str(name);
            }
            Self::Top | Self::Indicator(_) | Self::Dash(_) => {}
        }
    }

    /// Before a mapping's first key.
    fn first_key(self, out: &mut String) {
        match self {
            Self::Section(key) => {
                out.push('\n');
                write_scalar(out, key);
                out.push_str(":\n");
                indent(out, 2);
            }
            Self::Indicator(n) => {
                out.push('\n');
                indent(out, n + 2);
            }
            Self::Dash(_) => out.push(' '),
            Self::Top | Self::Short { .. } => {}
        }
    }

    /// Before a mapping's later keys.
    fn next_key(self, out: &mut String) {
        match self {
            Self::Section(_) => {
                out.push('\n');
                indent(out, 2);
            }
            Self::Indicator(n) | Self::Dash(n) => indent(out, n + 2),
            Self::Top | Self::Short { .. } => {}
        }
    }
}

/// The intrinsic a mapping key names: `Ref`, or `Fn::X` as `X`.
fn intrinsic(key: &str) -> Option<&str> {
    if key == "Ref" {
        Some(key)
    } else {
        key.strip_prefix("Fn::")
    }
}

/// Writes one value at its place.
struct Writer<'o, 'k> {
    out: &'o mut String,
    at: At<'k>,
}

impl<'o, 'k> Writer<'o, 'k> {
    fn scalar(self, write: impl FnOnce(&mut String)) -> Result<(), Error> {
        if let At::Top = self.at {
            return Err(not_a_mapping());
        }
        self.at.open_inline(self.out);
        self.out.push(' ');
        write(self.out);
        self.out.push('\n');
        Ok(())
    }

    fn display(self, v: impl Display) -> Result<(), Error> {
        self.scalar(|out| {
            // Writing into a String cannot fail.
            let _ = write!(out, "{v}");
        })
    }

    /// A value JSON writes in a form of its own (wide integers, bytes), through serde_json.
    fn through_json(self, v: impl Serialize) -> Result<(), Error> {
        serde_json::to_value(v)?.serialize(self)
    }

    /// A mapping of `len` entries, if its serializer says.
    fn map(self, len: Option<usize>) -> Result<Mapping<'o, 'k>, Error> {
        if let At::Short { .. } = self.at {
            return Err(Error(Reason::NotShort));
        }
        Ok(Mapping {
            out: self.out,
            at: self.at,
            entries: 0,
            single: len == Some(1),
            pending: None,
            key: String::new(),
        })
    }

    fn buffered<B>(
        self,
        inner: Result<B, serde_json::Error>,
    ) -> Result<Buffered<'o, 'k, B>, Error> {
        Ok(Buffered {
            writer: self,
            inner: inner?,
        })
    }
}

type JsonTupleVariant = <serde_json::value::Serializer as ser::Serializer>::SerializeTupleVariant;
type JsonStructVariant = <serde_json::value::Serializer as ser::Serializer>::SerializeStructVariant;

impl<'o, 'k> ser::Serializer for Writer<'o, 'k> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Sequence<'o>;
    type SerializeTuple = Sequence<'o>;
    type SerializeTupleStruct = Sequence<'o>;
    type SerializeTupleVariant = Buffered<'o, 'k, JsonTupleVariant>;
    type SerializeMap = Mapping<'o, 'k>;
    type SerializeStruct = Mapping<'o, 'k>;
    type SerializeStructVariant = Buffered<'o, 'k, JsonStructVariant>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(|out| out.push_str(if v { "true" } else { "false" }))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.through_json(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.through_json(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // JSON's number form, and null where JSON has no number.
        self.display(Value::from(v))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.scalar(|out| write_scalar(out, v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.through_json(v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.scalar(|out| out.push_str("null"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut map = self.map(Some(1))?;
        map.entry(variant, value)?;
        map.finish()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Sequence<'o>, Error> {
        let at = self.at;
        if let At::Top = at {
            return Err(not_a_mapping());
        }
        at.open_inline(self.out);
        Ok(Sequence {
            out: self.out,
            dash: at.n() + 2,
            items: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Sequence<'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Sequence<'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        let json = serde_json::value::Serializer;
        self.buffered(ser::Serializer::serialize_tuple_variant(
            json, name, index, variant, len,
        ))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Mapping<'o, 'k>, Error> {
        self.map(len)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Mapping<'o, 'k>, Error> {
        self.map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        let json = serde_json::value::Serializer;
        self.buffered(ser::Serializer::serialize_struct_variant(
            json, name, index, variant, len,
        ))
    }
}

/// A sequence's items, each after a dash at indentation `dash`.
struct Sequence<'o> {
    out: &'o mut String,
    dash: usize,
    items: usize,
}

impl Sequence<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if self.items == 0 {
            self.out.push('\n');
        }
        self.items += 1;
        indent(self.out, self.dash);
        self.out.push('-');
        value.serialize(Writer {
            out: self.out,
            at: At::Dash(self.dash),
        })
    }

    fn finish(self) -> Result<(), Error> {
        if self.items == 0 {
            self.out.push_str(" []\n");
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Sequence<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for Sequence<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Sequence<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A mapping's entries. A mapping whose only key names an intrinsic is written in short form
/// (`!Ref X`), unless its argument is itself a mapping: YAML cannot stack short forms such as
/// `!ImportValue !Sub`. Unless the mapping said it has one entry, whether that key is the only
/// one is known at the next key or at the end, so such a first entry is held in both forms
/// until then.
struct Mapping<'o, 'k> {
    out: &'o mut String,
    at: At<'k>,
    entries: usize,
    /// The serializer said this mapping has exactly one entry (as intrinsics do).
    single: bool,
    /// The first entry, keyed by an intrinsic: (short form if its argument allows, long form).
    pending: Option<(Option<String>, String)>,
    /// The key `serialize_key` gave, for `serialize_value`.
    key: String,
}

impl Mapping<'_, '_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if let At::Top = self.at {
            return value.serialize(Writer {
                out: self.out,
                at: At::Section(key),
            });
        }
        let n = self.at.n() + 2;
        if self.entries > 0 && self.single {
            return Err(Error(Reason::Message(
                "a mapping said it had one entry and gave more".into(),
            )));
        }
        if self.entries == 0 {
            self.entries = 1;
            if self.single
                && let Some(name) = intrinsic(key)
            {
                // Written in short form in place, taken back for the long form if the argument
                // turns out to be a mapping.
                let mark = self.out.len();
                if let Some(short) = short_getatt(name, value)? {
                    self.at.open_inline(self.out);
                    self.out.push_str(&short);
                    return Ok(());
                }
                self.at.open_inline(self.out);
                match value.serialize(Writer {
                    out: self.out,
                    at: At::Short {
                        name,
                        n: self.at.n(),
                    },
                }) {
                    Ok(()) => return Ok(()),
                    Err(Error(Reason::NotShort)) => self.out.truncate(mark),
                    Err(e) => return Err(e),
                }
            } else if let Some(name) = intrinsic(key) {
                let short = short_form(name, value, self.at.n())?;
                let mut long = String::new();
                self.at.first_key(&mut long);
                write_key_and_value(&mut long, key, value, n)?;
                self.pending = Some((short, long));
                return Ok(());
            }
            self.at.first_key(self.out);
        } else {
            self.entries += 1;
            if let Some((_, long)) = self.pending.take() {
                self.out.push_str(&long);
            }
            self.at.next_key(self.out);
        }
        write_key_and_value(self.out, key, value, n)
    }

    fn finish(self) -> Result<(), Error> {
        match self.pending {
            Some((Some(short), _)) if self.entries == 1 => {
                self.at.open_inline(self.out);
                self.out.push_str(&short);
            }
            Some((_, long)) => self.out.push_str(&long),
            None if self.entries > 0 => {}
            None => match self.at {
                At::Section(key) => {
                    write_scalar(self.out, key);
                    self.out.push_str(": {}\n");
                }
                At::Top => {}
                _ => self.out.push_str(" {}\n"),
            },
        }
        Ok(())
    }
}

/// `key:` and its value, the value's lines at indentation `n`.
fn write_key_and_value<T: Serialize + ?Sized>(
    out: &mut String,
    key: &str,
    value: &T,
    n: usize,
) -> Result<(), Error> {
    write_scalar(out, key);
    out.push(':');
    value.serialize(Writer {
        out,
        at: At::Indicator(n),
    })
}

/// `value` as intrinsic `name`'s short-form argument (what follows the key), or `None` when
/// it is a mapping. `!GetAtt` of `[id, attribute]` is written `!GetAtt id.attribute`.
fn short_form<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    n: usize,
) -> Result<Option<String>, Error> {
    match short_getatt(name, value)? {
        Some(short) => Ok(Some(short)),
        None => short_argument(name, value, n),
    }
}

/// `!GetAtt id.attribute` when `name` is `GetAtt` and `value` is `[id, attribute]`.
fn short_getatt<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<String>, Error> {
    if name != "GetAtt" {
        return Ok(None);
    }
    let value = serde_json::to_value(value)?;
    let Value::Array(parts) = &value else {
        return Ok(None);
    };
    let [Value::String(id), Value::String(attribute)] = parts.as_slice() else {
        return Ok(None);
    };
    let mut out = format!(" !{name} ");
    write_scalar(&mut out, &format!("{id}.{attribute}"));
    out.push('\n');
    Ok(Some(out))
}

fn short_argument<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    n: usize,
) -> Result<Option<String>, Error> {
    let mut out = String::new();
    match value.serialize(Writer {
        out: &mut out,
        at: At::Short { name, n },
    }) {
        Ok(()) => Ok(Some(out)),
        Err(Error(Reason::NotShort)) => Ok(None),
        Err(e) => Err(e),
    }
}

impl ser::SerializeMap for Mapping<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key.clear();
        key.serialize(Key(&mut self.key))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = std::mem::take(&mut self.key);
        let written = self.entry(&key, value);
        self.key = key;
        written
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for Mapping<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entry(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// An enum variant with fields, `{variant: …}`: rare enough to build as JSON first.
struct Buffered<'o, 'k, B> {
    writer: Writer<'o, 'k>,
    inner: B,
}

impl ser::SerializeTupleVariant for Buffered<'_, '_, JsonTupleVariant> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        Ok(self.inner.serialize_field(value)?)
    }
    fn end(self) -> Result<(), Error> {
        self.inner.end()?.serialize(self.writer)
    }
}

impl ser::SerializeStructVariant for Buffered<'_, '_, JsonStructVariant> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        Ok(self.inner.serialize_field(key, value)?)
    }
    fn end(self) -> Result<(), Error> {
        self.inner.end()?.serialize(self.writer)
    }
}

/// A map key as text: the keys JSON's serializer accepts (strings, and numbers and flags
/// written as strings).
struct Key<'b>(&'b mut String);

fn key_error() -> Error {
    Error(Reason::Message(
        "a map key must be a string, a number or a boolean".into(),
    ))
}

impl Key<'_> {
    fn text(self, v: impl Display) -> Result<(), Error> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.push(v);
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

/// A string as a YAML scalar: plain when unambiguous, else single- or double-quoted.
pub fn scalar(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_scalar(&mut out, s);
    out
}

/// [`scalar`], appended to `out`.
fn write_scalar(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if s.bytes().all(|b| matches!(b, b' '..=b'~')) // printable ASCII, the usual case
        || s.chars().all(single_quotable)
    {
        out.push('\'');
        for (i, part) in s.split('\'').enumerate() {
            if i > 0 {
                out.push_str("''");
            }
            out.push_str(part);
        }
        out.push('\'');
    } else {
        out.push_str(&double_quoted(s));
    }
}

/// Characters both YAML 1.1 (PyYAML) and 1.2 read literally inside single quotes: printable,
/// and not a line break (NEL, LS and PS are line breaks in YAML 1.1) or a byte-order mark.
fn single_quotable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// A double-quoted scalar escaping everything that is not single-quotable, with the escapes
/// YAML 1.1 and 1.2 share.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if single_quotable(c) => out.push(c),
            c if u32::from(c) <= 0xff => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == b'/' || first == b'_') {
        return false;
    }
    // One pass: only these ASCII characters, and no `: ` (a mapping inside the value; ` #`, a
    // comment, cannot occur since `#` is not among them).
    const PLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b' ' | b'_'
                        | b'-'
                        | b'.'
                        | b'/'
                        | b':'
                        | b'@'
                        | b'+'
                        | b'='
                        | b','
                        | b'('
                        | b')'
                        | b'$'
                );
            b += 1;
        }
        table
    };
    let mut previous = 0;
    for &b in bytes {
        if !PLAIN[usize::from(b)] || (previous == b':' && b == b' ') {
            return false;
        }
        previous = b;
    }
    let special = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ];
    let is_special = s.len() <= 5 && special.iter().any(|w| s.eq_ignore_ascii_case(w));
    !(s.ends_with([' ', ':']) || is_special || looks_numeric(s))
}

/// Whether some YAML resolver could read `s` as a number or a date.
fn looks_numeric(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_ascii_digit() {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !s.chars().any(|c| c.is_ascii_alphabetic())
        || s.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.starts_with("0b")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each entry of `map` as a key at indentation 0, the way a template's nested values are
    /// written (no section formatting).
    fn entries(map: Value) -> String {
        let Value::Object(m) = map else {
            unreachable!("a mapping")
        };
        let mut out = String::new();
        for (k, v) in &m {
            write_key_and_value(&mut out, k, v, 0).expect("writes");
        }
        out
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "2012-10-17",
            "128",
            "1e5",
            "0x1F",
            "yes",
            "No",
            "null",
            "*",
            "a: b",
            "",
            " x",
        ] {
            assert!(scalar(s).starts_with('\''), "{s:?} -> {}", scalar(s));
        }
        for s in [
            "arm64",
            "Image",
            "/aws/lambda/chatrix-prod",
            "sts:AssumeRole",
            "7days",
        ] {
            assert_eq!(scalar(s), s);
        }
        assert_eq!(scalar("it's"), "'it''s'");
        assert_eq!(scalar("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn non_printable_characters_are_escaped() {
        for (raw, escaped) in [
            ("a\u{7f}b", r#""a\x7Fb""#),
            ("\u{80}\u{9f}", r#""\x80\x9F""#),
            ("x\u{85}y", r#""x\Ny""#),
            ("\u{2028}\u{2029}", r#""\L\P""#),
            ("\u{feff}key", r#""\uFEFFkey""#),
            ("\u{fffe}", r#""\uFFFE""#),
            ("tab\there \"q\" \\", r#""tab\there \"q\" \\""#),
            ("\u{1}\u{1b}", r#""\x01\x1B""#),
        ] {
            assert_eq!(scalar(raw), escaped, "{raw:?}");
        }
        assert_eq!(scalar("café ☕ 🚀"), "'café ☕ 🚀'");
    }

    #[test]
    fn intrinsics_use_short_form_unless_nested() {
        let out = entries(json!({
            "A": { "Ref": "X" },
            "B": { "Fn::GetAtt": ["Role", "Arn"] },
            "C": { "Fn::ImportValue": { "Fn::Sub": "${AWS::StackName}-x" } },
            "D": [{ "Fn::Sub": "arn:${AWS::Partition}:s3:::b" }],
        }));
        assert_eq!(
            out,
            "A: !Ref X\nB: !GetAtt Role.Arn\nC:\n  Fn::ImportValue: !Sub '${AWS::StackName}-x'\nD:\n  - !Sub 'arn:${AWS::Partition}:s3:::b'\n"
        );
    }

    #[test]
    fn an_intrinsic_key_beside_others_is_an_ordinary_key() {
        let out = entries(json!({
            "A": { "Ref": "X", "Other": 1 },
            "B": [{ "Ref": { "K": "v" } }],
            "C": { "Fn::Join": ["", [{ "Ref": "P" }, "-x"]] },
            "D": { "Fn::GetAtt": ["Role", { "Ref": "Attr" }] },
            "E": { "Ref": [] },
        }));
        assert_eq!(
            out,
            "A:\n  Ref: X\n  Other: 1\nB:\n  - Ref:\n      K: v\nC: !Join\n  - ''\n  -\n    - !Ref P\n    - '-x'\nD: !GetAtt\n  - Role\n  - !Ref Attr\nE: !Ref []\n"
        );
    }

    #[test]
    fn sequences_of_maps_put_the_first_key_on_the_dash_line() {
        let out =
            entries(json!({ "S": [{ "Effect": "Allow", "Action": ["a:B"] }], "E": [{}], "F": [] }));
        assert_eq!(
            out,
            "S:\n  - Effect: Allow\n    Action:\n      - a:B\nE:\n  - {}\nF: []\n"
        );
    }

    #[test]
    fn top_level_mappings_are_sections_separated_by_blank_lines() {
        let t = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {},
            "Resources": { "A": { "Type": "T" }, "B": { "Type": "U", "Properties": {} } },
            "Outputs": { "Ref": "X" },
        });
        let Value::Object(t) = t else { unreachable!() };
        assert_eq!(
            template_to_yaml(&t).expect("writes"),
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters: {}\n\nResources:\n  A:\n    Type: T\n\n  B:\n    Type: U\n    Properties: {}\nOutputs: !Ref X\n"
        );
    }

    #[test]
    fn typed_values_write_like_their_json_form() {
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, String),
            Struct { a: Option<bool> },
        }
        #[derive(Serialize)]
        struct S {
            e: Vec<E>,
            f: f64,
            n: Option<u8>,
            t: (i64, char),
        }
        let s = S {
            e: vec![
                E::Unit,
                E::New(1),
                E::Tuple(2, "x".into()),
                E::Struct { a: None },
            ],
            f: 1.5,
            n: None,
            t: (-3, 'c'),
        };
        let mut direct = String::new();
        write_key_and_value(&mut direct, "V", &s, 0).expect("writes");
        let mut via_json = String::new();
        let json = serde_json::to_value(&s).expect("serializes");
        write_key_and_value(&mut via_json, "V", &json, 0).expect("writes");
        assert_eq!(direct, via_json);
    }

    #[test]
    fn a_mapping_of_one_entry_that_gives_two_is_refused() {
        struct Liar;
        impl Serialize for Liar {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Ref", "X")?;
                m.serialize_entry("Other", "Y")?;
                m.end()
            }
        }
        let mut out = String::new();
        assert!(write_key_and_value(&mut out, "V", &Liar, 0).is_err());
    }

    #[test]
    fn a_template_must_be_a_mapping() {
        let mut out = String::new();
        assert!(write_template(&mut out, &json!(["x"])).is_err());
        assert!(write_template(&mut out, &json!("x")).is_err());
    }
}
