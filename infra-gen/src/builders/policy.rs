//! The project's retention and image rules, one table per kind of environment. Lint `policy`
//! holds every log group and ECR repository of a stack to the policy of its environment's
//! kind, whatever the builders or `App::stacks_mut()` left; a resource that must differ
//! carries a [`PolicyException`](crate::model::review::PolicyException) with the reason.

use crate::units::RetentionDays;

/// What an environment is for; it selects the [`Policy`]. `Environment::new` makes
/// production environments: the stricter rules apply unless a definition says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentKind {
    /// Serves real callers.
    Production,
    /// Staging, test, preview: serves the team.
    NonProduction,
}

impl EnvironmentKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::NonProduction => "non-production",
        }
    }
}

/// The rules for one kind of environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Every log group keeps its logs at least this long. The same in every kind: the AWS
    /// Control Tower rule `tests/validate/run.sh` applies
    /// (`cloudwatch_log_group_retention_period_check`) asks a year of every log group, so a
    /// shorter non-production default would pass `check` and fail the suite.
    pub min_log_retention: RetentionDays,
    /// Every ECR repository keeps at least this many images (`KeepLast`), enough to roll back
    /// that many deploys; tagged images never expire by age.
    pub min_images_kept: u32,
}

impl Policy {
    pub const fn of(kind: EnvironmentKind) -> Self {
        match kind {
            // Production rolls back through a few deploys; elsewhere the last one is enough.
            EnvironmentKind::Production => Self {
                min_log_retention: RetentionDays::D365,
                min_images_kept: 5,
            },
            EnvironmentKind::NonProduction => Self {
                min_log_retention: RetentionDays::D365,
                min_images_kept: 2,
            },
        }
    }
}

// Rules every kind shares, stated once for the lint and the builders: ECR tags are immutable
// (a deploy names one build), every pushed image is scanned, a repository has a lifecycle
// policy that expires untagged images. They are not fields because no kind differs.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_kind_asks_less_log_retention_than_control_tower() {
        for kind in [EnvironmentKind::Production, EnvironmentKind::NonProduction] {
            assert!(Policy::of(kind).min_log_retention.days() >= 365, "{kind:?}");
        }
    }

    #[test]
    fn production_keeps_at_least_as_many_images_as_any_other_kind() {
        let prod = Policy::of(EnvironmentKind::Production);
        let other = Policy::of(EnvironmentKind::NonProduction);
        assert!(prod.min_images_kept >= other.min_images_kept);
        // The running image and one to roll back to.
        assert!(other.min_images_kept >= 2);
    }
}
