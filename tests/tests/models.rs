//! The generated models against realistic API JSON: decoding, encoding, open enums,
//! read-only fields, partial updates, defaults and secrets.

use serde_json::{Value, json};
use unified_connection::{
    Category, Connection, ConnectionAuth, ConnectionInput, ConnectionPatch, Permission,
};

/// A connection as the API returns it: every field set, values this crate does not list,
/// fields it does not know, timestamps with offsets and fractions.
fn api_connection() -> Value {
    json!({
        "id": "6401c5e0c2a85d1b0c4f6a1e",
        "created_at": "2024-03-01T10:15:30+02:00",
        "updated_at": "2024-03-02T08:00:00.250Z",
        "workspace_id": "5f0c0e7f2d1e4a0017a1b2c3",
        "integration_type": "hubspot",
        "integration_name": "HubSpot",
        "external_xref": "customer-42",
        "permissions": ["crm_contact_read", "crm_deal_write", "crm_brand_new_thing_read", "webhook"],
        "categories": ["crm", "quantum_computing"],
        "auth": {
            "access_token": "at-secret",
            "refresh_token": "rt-secret",
            "expires_in": 3600,
            "expiry_date": "2024-03-02T09:00:00-05:00",
            "emails": ["ops@example.com"],
            "meta": {"portal_id": 12345, "nested": {"ok": true}},
            "other_auth_info": ["a", "b"]
        },
        "is_paused": false,
        "environment": "Sandbox",
        "last_healthy_at": "2024-03-02T07:59:00Z",
        "last_unhealthy_code": "401",
        "secretsmanager_id": "sm-1",
        "secretsmanager_key": "path/to/secret",
        "auth_aws_arn": "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "a_field_added_later": {"anything": [1, 2, 3]},
        "another_new_field": null
    })
}

#[test]
fn a_connection_from_the_api_decodes_with_unknown_values_and_fields() {
    let connection: Connection = serde_json::from_value(api_connection()).expect("decodes");
    assert_eq!(connection.integration_type, "hubspot");
    assert_eq!(
        connection.permissions,
        [
            Permission::CrmContactRead,
            Permission::CrmDealWrite,
            Permission::Unknown("crm_brand_new_thing_read".to_owned()),
            Permission::Webhook,
        ]
    );
    assert_eq!(
        connection.categories,
        [
            Category::Crm,
            Category::Unknown("quantum_computing".to_owned())
        ]
    );
    let created = connection.created_at.expect("created_at is set");
    assert_eq!(
        created.to_rfc3339(),
        "2024-03-01T08:15:30+00:00",
        "offsets are converted to UTC"
    );
    let auth = connection.auth.as_ref().expect("auth is set");
    assert_eq!(auth.expires_in, Some(3600.0));
    assert_eq!(
        auth.meta.as_ref().and_then(|m| m.get("portal_id")),
        Some(&json!(12345))
    );
    assert_eq!(connection.environment, "Sandbox");
}

#[test]
fn a_connection_round_trips_exactly() {
    let connection: Connection = serde_json::from_value(api_connection()).expect("decodes");
    let encoded = serde_json::to_value(&connection).expect("encodes");

    // What is written back is what was read: every known field with its value, unknown enum
    // values unchanged, timestamps as the same instants in UTC, and the fields the API
    // description does not declare as they came.
    let mut expected = api_connection();
    let object = expected.as_object_mut().expect("an object");
    object["created_at"] = json!("2024-03-01T08:15:30Z");
    object["updated_at"] = json!("2024-03-02T08:00:00.250Z");
    object["auth"]["expiry_date"] = json!("2024-03-02T14:00:00Z");
    object["auth"]["expires_in"] = json!(3600.0);
    assert_eq!(encoded, expected);

    // And a second trip changes nothing, to the byte.
    let again: Connection = serde_json::from_value(encoded.clone()).expect("decodes again");
    assert_eq!(again, connection);
    assert_eq!(
        serde_json::to_string(&again).expect("encodes"),
        serde_json::to_string(&encoded).expect("encodes")
    );
}

#[test]
fn every_listed_permission_and_category_is_a_variant() {
    let text =
        std::fs::read_to_string(tests::workspace_root().join("spec/unified-connection.yaml"))
            .expect("spec");
    // Read from the YAML directly, not through the generator.
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let listed = |name: &str| -> Vec<String> {
        let values = spec
            .pointer(&format!("/components/schemas/{name}/enum"))
            .and_then(serde_json::Value::as_array)
            .unwrap_or_else(|| panic!("{name} is not an enum"));
        values
            .iter()
            .map(|v| v.as_str().expect("a string value").to_owned())
            .collect()
    };
    let permissions = listed("Permission");
    let categories = listed("Category");
    assert_eq!(permissions.len(), 310);
    assert_eq!(categories.len(), 34);
    assert_eq!(
        Permission::KNOWN
            .iter()
            .map(Permission::as_str)
            .collect::<Vec<_>>(),
        permissions
    );
    assert_eq!(
        Category::KNOWN
            .iter()
            .map(Category::as_str)
            .collect::<Vec<_>>(),
        categories
    );
    for permission in Permission::KNOWN {
        let text = permission.to_string();
        assert_eq!(text.parse::<Permission>(), Ok(permission.clone()));
        assert_eq!(
            serde_json::to_value(permission).expect("encodes"),
            json!(text)
        );
        assert_eq!(
            &serde_json::from_value::<Permission>(json!(text)).expect("decodes"),
            permission
        );
        assert!(!matches!(permission, Permission::Unknown(_)));
    }
    for category in Category::KNOWN {
        assert_eq!(&Category::from(category.as_str()), category);
    }
}

#[test]
fn unknown_enum_values_are_kept_and_written_back() {
    let permission: Permission = serde_json::from_str("\"payroll_run_write\"").expect("decodes");
    assert_eq!(
        permission,
        Permission::Unknown("payroll_run_write".to_owned())
    );
    assert_eq!(permission.as_str(), "payroll_run_write");
    assert_eq!(permission.to_string(), "payroll_run_write");
    assert_eq!(
        serde_json::to_string(&permission).expect("encodes"),
        "\"payroll_run_write\""
    );
    assert_eq!("hris".parse::<Category>(), Ok(Category::Hris));
    assert_eq!(
        Category::from(String::from("space")),
        Category::Unknown("space".to_owned())
    );
    // Not a string at all is still an error, with a message.
    let error = serde_json::from_str::<Category>("42").expect_err("a number is not a category");
    assert!(error.to_string().contains("expected a string"), "{error}");
}

#[test]
fn input_type_drops_read_only_fields() {
    let connection: Connection = serde_json::from_value(api_connection()).expect("decodes");
    let input = ConnectionInput::from(connection.clone());
    let sent = serde_json::to_value(&input).expect("encodes");
    for read_only in tests::CONNECTION_READ_ONLY {
        assert!(
            sent.get(read_only).is_none(),
            "{read_only} must not be sent: {sent}"
        );
    }
    assert_eq!(sent["integration_type"], json!("hubspot"));
    assert_eq!(sent["permissions"][2], json!("crm_brand_new_thing_read"));
    assert_eq!(sent["auth"]["access_token"], json!("at-secret"));
    assert_eq!(sent["environment"], json!("Sandbox"));
}

#[test]
fn patch_type_sends_only_the_fields_set() {
    let patch = ConnectionPatch {
        integration_name: Some(Some("Renamed".to_owned())),
        external_xref: Some(None),
        categories: Some(vec![Category::Crm]),
        ..ConnectionPatch::default()
    };
    assert_eq!(
        serde_json::to_value(&patch).expect("encodes"),
        json!({"integration_name": "Renamed", "external_xref": null, "categories": ["crm"]})
    );
    assert_eq!(
        serde_json::to_value(ConnectionPatch::default()).expect("encodes"),
        json!({})
    );
}

#[test]
fn patch_type_reads_absent_null_and_a_value_apart() {
    let patch: ConnectionPatch = serde_json::from_value(json!({
        "integration_name": null,
        "external_xref": "x",
        "environment": "Sandbox"
    }))
    .expect("decodes");
    assert_eq!(patch.integration_name, Some(None), "null clears");
    assert_eq!(
        patch.external_xref,
        Some(Some("x".to_owned())),
        "a value sets"
    );
    assert_eq!(patch.secretsmanager_id, None, "absent leaves unchanged");
    assert_eq!(patch.environment.as_deref(), Some("Sandbox"));
    // And it is written back as it was read.
    assert_eq!(
        serde_json::to_value(&patch).expect("encodes"),
        json!({"integration_name": null, "external_xref": "x", "environment": "Sandbox"})
    );
}

#[test]
fn defaults_from_the_spec_apply() {
    let connection: Connection = serde_json::from_value(json!({
        "integration_type": "hubspot",
        "permissions": [],
        "categories": []
    }))
    .expect("decodes with only the required fields");
    assert_eq!(connection.environment, "Production");
    assert_eq!(connection.id, None);
    let missing =
        serde_json::from_value::<Connection>(json!({"permissions": [], "categories": []}))
            .expect_err("integration_type is required");
    assert!(
        missing.to_string().contains("integration_type"),
        "{missing}"
    );
}

#[test]
fn secrets_are_redacted_in_debug_but_sent_unchanged() {
    let auth = ConnectionAuth {
        access_token: Some("at-secret".to_owned()),
        client_secret: Some("cs-secret".to_owned()),
        client_id: Some("client-1".to_owned()),
        ..ConnectionAuth::default()
    };
    let debug = format!("{auth:?}");
    assert!(
        !debug.contains("at-secret") && !debug.contains("cs-secret"),
        "{debug}"
    );
    assert!(debug.contains("access_token: Some(\"***\")"), "{debug}");
    assert!(
        debug.contains("client-1"),
        "non-secret fields stay visible: {debug}"
    );
    let sent = serde_json::to_value(&auth).expect("encodes");
    assert_eq!(sent["access_token"], json!("at-secret"));
    assert_eq!(sent["client_secret"], json!("cs-secret"));

    let connection: Connection = serde_json::from_value(api_connection()).expect("decodes");
    let debug = format!("{connection:?}");
    assert!(
        !debug.contains("at-secret") && !debug.contains("rt-secret"),
        "{debug}"
    );
    assert!(debug.contains("hubspot"), "{debug}");
}
