//! Alarms and gradual deploys as the builders emit them: what CloudWatch watches, what
//! CodeDeploy rolls back on, and what SAM adds for them.

mod common;

use common::{DOCKERFILE, app_with};
use infra_gen::builders::Alarms;
use infra_gen::model::Properties;
use infra_gen::model::lambda::TrafficShift;
use infra_gen::units::Timeout;
use serde_json::{Value, json};

fn service_json(app: &infra_gen::App) -> Value {
    app.stacks()[1].template.to_json()
}

#[test]
fn alarms_watch_errors_throttles_duration_near_the_timeout_and_url_5xx() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.timeout(Timeout::seconds(100))
            .alarms(Alarms::new().notify(infra_gen::model::Expr::literal(
                "arn:aws:sns:us-west-2:123456789012:oncall",
            )))
    })
    .expect("builds");
    let t = service_json(&app);
    let alarm = |id: &str| t["Resources"][id]["Properties"].clone();
    assert_eq!(alarm("ErrorsAlarm")["MetricName"], "Errors");
    assert_eq!(alarm("ThrottlesAlarm")["MetricName"], "Throttles");
    assert_eq!(alarm("Url5xxAlarm")["MetricName"], "Url5xxCount");
    // 90% of 100 s, in milliseconds, on the longest call of the minute.
    assert_eq!(alarm("DurationAlarm")["Threshold"], json!(90000.0));
    assert_eq!(alarm("DurationAlarm")["Statistic"], "Maximum");
    assert_eq!(
        alarm("ErrorsAlarm")["AlarmActions"],
        json!(["arn:aws:sns:us-west-2:123456789012:oncall"])
    );
    assert_eq!(
        alarm("ErrorsAlarm")["Dimensions"],
        json!([{ "Name": "FunctionName", "Value": "demo-test" }])
    );
    // With a topic, no Control Tower exception is needed.
    assert!(t["Resources"]["ErrorsAlarm"]["Metadata"].is_null());
    assert!(infra_gen::pipeline::validated(&app).is_ok());
}

#[test]
fn a_gradual_deploy_shifts_an_alias_and_rolls_back_on_the_alarms() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.alarms(Alarms::new())
            .safe_deploy(TrafficShift::Linear10PercentEvery1Minute)
    })
    .expect("builds");
    let t = service_json(&app);
    let f = &t["Resources"]["Function"]["Properties"];
    assert_eq!(f["AutoPublishAlias"], "live");
    assert_eq!(
        f["DeploymentPreference"],
        json!({
            "Type": "Linear10PercentEvery1Minute",
            // A streaming handler may run near its timeout legitimately: duration does not judge.
            "Alarms": [{"Ref": "ErrorsAlarm"}, {"Ref": "Url5xxAlarm"}],
        })
    );
    // The metrics of the alias: the new version's traffic.
    assert_eq!(
        t["Resources"]["ErrorsAlarm"]["Properties"]["Dimensions"][1],
        json!({ "Name": "Resource", "Value": "demo-test:live" })
    );
    // SAM's alias and CodeDeploy resources are known, so `list` and references see them.
    let function = app.stacks()[1]
        .template
        .resource("Function")
        .expect("function");
    let implicit: Vec<String> = function
        .properties
        .implicit(&function.id)
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert!(
        implicit.contains(&"FunctionAliaslive".to_owned()),
        "{implicit:?}"
    );
    assert!(
        implicit.contains(&"FunctionDeploymentGroup".to_owned()),
        "{implicit:?}"
    );
    assert!(matches!(function.properties, Properties::Function(_)));
    assert!(infra_gen::pipeline::validated(&app).is_ok());
}

#[test]
fn a_gradual_deploy_without_alarms_is_a_builder_error() {
    let err = app_with("us-west-2", DOCKERFILE, |s| {
        s.safe_deploy(TrafficShift::Canary10Percent5Minutes)
    })
    .expect_err("nothing to roll back on");
    assert!(err.to_string().contains("alarms"), "{err}");
}

#[test]
fn every_table_gets_a_write_throttle_alarm_that_never_rolls_a_deploy_back() {
    use infra_gen::model::dynamodb::{Key, KeySchema, Table, TableName};
    let table = |name: &str| {
        Table::new(
            TableName::new(name).expect("valid"),
            KeySchema {
                partition: Key::string("pk").expect("valid"),
                sort: None,
            },
        )
    };
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.table("Orders", table("demo-orders"))
            .table("Limits", table("demo-limits"))
            .alarms(Alarms::new())
            .safe_deploy(TrafficShift::AllAtOnce)
    })
    .expect("builds");
    let t = service_json(&app);
    for (id, name) in [
        ("OrdersThrottlesAlarm", "demo-orders"),
        ("LimitsThrottlesAlarm", "demo-limits"),
    ] {
        let alarm = &t["Resources"][id]["Properties"];
        assert_eq!(
            (
                &alarm["Namespace"],
                &alarm["MetricName"],
                &alarm["Threshold"]
            ),
            (
                &json!("AWS/DynamoDB"),
                &json!("WriteThrottleEvents"),
                &json!(1.0)
            ),
            "{id}"
        );
        assert_eq!(
            alarm["Dimensions"],
            json!([{"Name": "TableName", "Value": name}])
        );
    }
    // Throttled writes say the table is short of throughput, not that the new code is bad.
    let rollback = &t["Resources"]["Function"]["Properties"]["DeploymentPreference"]["Alarms"];
    assert_eq!(
        rollback,
        &json!([{"Ref": "ErrorsAlarm"}, {"Ref": "Url5xxAlarm"}])
    );
    assert!(infra_gen::pipeline::validated(&app).is_ok());
}

#[test]
fn a_published_count_gets_an_alarm_without_dimensions_outside_the_rollback_alarms() {
    use infra_gen::builders::PublishedMetric;
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.alarms(Alarms::new().published(PublishedMetric::new(
            "WriteFailures",
            "Demo/App",
            "WriteFailures",
            "writes failed",
        )))
        .safe_deploy(TrafficShift::AllAtOnce)
    })
    .expect("builds");
    let t = service_json(&app);
    let alarm = &t["Resources"]["WriteFailuresAlarm"]["Properties"];
    assert_eq!(
        (
            &alarm["Namespace"],
            &alarm["MetricName"],
            &alarm["Statistic"],
            &alarm["Threshold"]
        ),
        (
            &json!("Demo/App"),
            &json!("WriteFailures"),
            &json!("Sum"),
            &json!(1.0)
        )
    );
    assert!(
        alarm.get("Dimensions").is_none_or(|d| d == &json!([])),
        "{alarm}"
    );
    assert_eq!(
        t["Resources"]["Function"]["Properties"]["DeploymentPreference"]["Alarms"],
        json!([{"Ref": "ErrorsAlarm"}, {"Ref": "Url5xxAlarm"}])
    );
    assert!(infra_gen::pipeline::validated(&app).is_ok());
    // What CloudWatch would refuse, or an id that cannot be a logical ID, is a builder error.
    for (id, namespace, metric) in [
        ("WriteFailures", "AWS/Lambda", "Errors"),
        ("WriteFailures", "", "Errors"),
        ("WriteFailures", "Demo/App", ""),
        ("writeFailures", "Demo/App", "Errors"),
        ("Write-Failures", "Demo/App", "Errors"),
        ("WriteFailures", "Demo/App\n", "Errors"),
    ] {
        assert!(
            PublishedMetric::new(id, namespace, metric, "x").is_err(),
            "{id:?} {namespace:?} {metric:?}"
        );
    }
}
