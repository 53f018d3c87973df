//! Queues and tables added to a stack through the model pass every step of the pipeline: the
//! lints, the resource schemas and the review page.

mod common;

use common::valid_app;
use infra_gen::model::dynamodb::{Key, KeySchema, Projection, Table, TableName};
use infra_gen::model::sqs::{Queue, QueueName, Redrive, VisibilityTimeout};
use infra_gen::model::{Expr, LogicalId, Properties, Resource};
use infra_gen::pipeline;
use proptest::prelude::*;

fn id(s: &str) -> LogicalId {
    LogicalId::new(s).expect("valid logical ID")
}

/// A queue with a dead-letter queue and a table with `indexes` global secondary indexes.
fn with_queue_and_table(
    queue: &str,
    fifo: bool,
    visibility: u32,
    receives: u16,
    indexes: usize,
) -> infra_gen::App {
    let mut app = valid_app();
    let suffix = if fifo { ".fifo" } else { "" };
    let dlq = Queue::new(QueueName::new(&format!("{queue}-dlq{suffix}")).expect("valid"));
    let mut main = Queue::new(QueueName::new(&format!("{queue}{suffix}")).expect("valid"));
    main.visibility_timeout = VisibilityTimeout::new(visibility).expect("in range");
    main.redrive =
        Some(Redrive::new(Expr::get_att(&id("DeadLetters"), "Arn"), receives).expect("in range"));
    let keys = |p: &str| KeySchema {
        partition: Key::string(p).expect("valid"),
        sort: Some(Key::number("at").expect("valid")),
    };
    let mut table = Table::new(
        TableName::new(&format!("{queue}-items")).expect("valid"),
        keys("pk"),
    );
    for i in 0..indexes {
        table = table
            .index(
                &format!("by-owner-{i}"),
                keys(&format!("owner{i}")),
                Projection::KeysOnly,
            )
            .expect("consistent keys");
    }
    let resources = &mut app.stacks_mut()[1].template.resources;
    resources.push(Resource::new(id("DeadLetters"), Properties::Queue(dlq)).retained());
    resources.push(Resource::new(id("Work"), Properties::Queue(main)).retained());
    resources.push(Resource::new(id("Items"), Properties::Table(table)).retained());
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever valid settings the typed constructors admit, CloudFormation's schemas accept.
    #[test]
    fn valid_queues_and_tables_pass_the_schemas_and_show_on_the_review_page(
        name in "[a-z][a-z0-9-]{2,30}",
        fifo in any::<bool>(),
        visibility in 0u32..=43200,
        receives in 1u16..=1000,
        indexes in 0usize..4,
    ) {
        let app = with_queue_and_table(&name, fifo, visibility, receives, indexes);
        let rendered = pipeline::validated(&app).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let page = rendered
            .iter()
            .find(|f| f.path.ends_with("service.md"))
            .map(|f| f.contents.clone())
            .expect("a review page");
        let queue_heading = format!("Queue `{name}");
        let table_heading = format!("Table `{name}-items`");
        prop_assert!(page.contains(&queue_heading));
        prop_assert!(page.contains(&table_heading));
        prop_assert!(page.contains("after "));
    }
}
