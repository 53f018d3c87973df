//! Validated values: a constructed value is always one AWS accepts.

use serde::{Serialize, Serializer};

use crate::Error;

fn in_range(what: &'static str, value: u32, min: u32, max: u32) -> Result<u32, Error> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Error::OutOfRange {
            what,
            value: value.into(),
            min: min.into(),
            max: max.into(),
        })
    }
}

/// Function memory in MB, 128–10240 (Lambda's limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Memory(u32);

impl Memory {
    pub fn mb(mb: u32) -> Result<Self, Error> {
        in_range("function memory (MB)", mb, 128, 10_240).map(Self)
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

/// Function timeout in seconds, 1–900.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Timeout(u32);

impl Timeout {
    pub fn seconds(s: u32) -> Result<Self, Error> {
        in_range("function timeout (s)", s, 1, 900).map(Self)
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

/// `/tmp` size in MB, 512–10240.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EphemeralStorage(u32);

impl EphemeralStorage {
    pub const DEFAULT: Self = Self(512);
    pub fn mb(mb: u32) -> Result<Self, Error> {
        in_range("ephemeral storage (MB)", mb, 512, 10_240).map(Self)
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Serialize for EphemeralStorage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("Size", &self.0)?;
        m.end()
    }
}

/// Reserved concurrent executions. Zero would throttle every call, so it is not representable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReservedConcurrency(u32);

impl ReservedConcurrency {
    pub fn new(n: u32) -> Result<Self, Error> {
        in_range("reserved concurrency", n, 1, 10_000).map(Self)
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

/// How long CloudWatch keeps log events: only the values `PutRetentionPolicy` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RetentionDays {
    D1,
    D3,
    D5,
    D7,
    D14,
    D30,
    D60,
    D90,
    D120,
    D150,
    D180,
    D365,
    D400,
    D545,
    D731,
    D1096,
    D1827,
    D2192,
    D2557,
    D2922,
    D3288,
    D3653,
}

impl RetentionDays {
    const ALL: [(Self, u32); 22] = [
        (Self::D1, 1),
        (Self::D3, 3),
        (Self::D5, 5),
        (Self::D7, 7),
        (Self::D14, 14),
        (Self::D30, 30),
        (Self::D60, 60),
        (Self::D90, 90),
        (Self::D120, 120),
        (Self::D150, 150),
        (Self::D180, 180),
        (Self::D365, 365),
        (Self::D400, 400),
        (Self::D545, 545),
        (Self::D731, 731),
        (Self::D1096, 1096),
        (Self::D1827, 1827),
        (Self::D2192, 2192),
        (Self::D2557, 2557),
        (Self::D2922, 2922),
        (Self::D3288, 3288),
        (Self::D3653, 3653),
    ];

    pub fn days(self) -> u32 {
        Self::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or(0, |(_, d)| *d)
    }

    /// For values read at run time; definitions use the variants directly.
    pub fn from_days(days: u32) -> Result<Self, Error> {
        Self::ALL
            .iter()
            .find(|(_, d)| *d == days)
            .map(|(r, _)| *r)
            .ok_or(Error::Invalid {
                what: "log retention",
                value: days.to_string(),
                expected: "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, \
                           1096, 1827, 2192, 2557, 2922, 3288, 3653 days",
            })
    }
}

impl Serialize for RetentionDays {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_outside_lambda_limits_is_rejected() {
        assert!(Memory::mb(127).is_err());
        assert!(Memory::mb(10_241).is_err());
        assert_eq!(Memory::mb(128).map(Memory::get).ok(), Some(128));
    }

    #[test]
    fn timeout_outside_one_to_nine_hundred_seconds_is_rejected() {
        assert!(Timeout::seconds(0).is_err());
        assert!(Timeout::seconds(901).is_err());
        assert!(Timeout::seconds(900).is_ok());
    }

    #[test]
    fn ephemeral_storage_below_default_is_rejected() {
        assert!(EphemeralStorage::mb(511).is_err());
        assert!(EphemeralStorage::mb(10_240).is_ok());
    }

    #[test]
    fn zero_reserved_concurrency_is_rejected() {
        assert!(ReservedConcurrency::new(0).is_err());
    }

    #[test]
    fn retention_accepts_only_cloudwatch_values() {
        assert_eq!(RetentionDays::from_days(14).ok(), Some(RetentionDays::D14));
        assert!(RetentionDays::from_days(10).is_err());
        assert_eq!(RetentionDays::D3653.days(), 3653);
    }
}
