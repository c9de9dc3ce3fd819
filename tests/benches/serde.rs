//! Decode/encode throughput of the generated `Connection` (open enums) against a hand-written
//! serde struct with closed enums, on a JSON array of realistic connections.
//!
//! ```text
//! cargo bench -p tests --bench serde [-- [--quick | --smoke] [--items N] [--rounds N]]
//! ```
//!
//! Plain `std::time::Instant` timing: warm-up passes, then the median of N timed passes over
//! the whole array, the generated and the baseline types taking turns in every round so that
//! both see the same machine load. The data sets are made by one seeded generator:
//!
//! - `known`: every permission and category is one the API description lists; both types
//!   read the same text and write the same JSON (the same values, and the same length:
//!   the baseline lists its fields in the spec's order, as the generated type does);
//! - `mixed`: some connections carry permissions and categories the description does not
//!   list. The generated types keep them (`Unknown`); a closed enum cannot read them, so
//!   the baseline is given the same array with each unknown value replaced by a listed one;
//! - `enums`: a flat array of listed permissions (10 per connection), where the cost of an
//!   open enum would show most; reported for information, not as a goal.
//!
//! Besides a readable summary, every figure is printed as a machine-readable line,
//! `serde-bench key=value ...`, which `cargo xtask bench` parses.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

/// The baseline: the same fields and serde attributes as the generated `Connection`, with
/// closed, derived enums instead of open ones. The fields are in the API description's
/// order, as in the generated type, so that both write the same text; the check that they
/// write the same JSON compares values, which does not depend on that order.
mod baseline {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    /// A closed enum whose variants are its wire values, plus the list of those values.
    macro_rules! closed_enum {
        ($name:ident: $($variant:ident = $wire:tt,)*) => {
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
            pub enum $name {
                $(#[serde(rename = $wire)] $variant,)*
            }

            impl $name {
                /// Every wire value, in the API description's order.
                pub const WIRE: &'static [&'static str] = &[$($wire),*];
            }
        };
    }

    closed_enum! { Category:
        Passthrough = "passthrough", Hris = "hris", Ats = "ats", Auth = "auth", Saml = "saml",
        Crm = "crm", Enrich = "enrich", Martech = "martech", Ticketing = "ticketing", Uc = "uc",
        Accounting = "accounting", Storage = "storage", Commerce = "commerce", Payment = "payment",
        Genai = "genai", Messaging = "messaging", Kms = "kms", Task = "task", Scim = "scim",
        Lms = "lms", Repo = "repo", Metadata = "metadata", Calendar = "calendar",
        Verification = "verification", Ads = "ads", Analytics = "analytics", Forms = "forms",
        Shipping = "shipping", Assessment = "assessment", Signing = "signing", Clubs = "clubs",
        Datastore = "datastore", Cdp = "cdp", Performance = "performance",
    }
    closed_enum! { Permission:
        AccountingAccountRead = "accounting_account_read",
        AccountingAccountWrite = "accounting_account_write",
        AccountingTransactionRead = "accounting_transaction_read",
        AccountingTransactionWrite = "accounting_transaction_write",
        AccountingJournalRead = "accounting_journal_read",
        AccountingJournalWrite = "accounting_journal_write",
        AccountingInvoiceRead = "accounting_invoice_read",
        AccountingInvoiceWrite = "accounting_invoice_write",
        AccountingBillRead = "accounting_bill_read", AccountingBillWrite = "accounting_bill_write",
        AccountingVendorcreditRead = "accounting_vendorcredit_read",
        AccountingVendorcreditWrite = "accounting_vendorcredit_write",
        AccountingCreditmemoRead = "accounting_creditmemo_read",
        AccountingCreditmemoWrite = "accounting_creditmemo_write",
        AccountingContactRead = "accounting_contact_read",
        AccountingContactWrite = "accounting_contact_write",
        AccountingExpenseRead = "accounting_expense_read",
        AccountingExpenseWrite = "accounting_expense_write",
        AccountingTaxrateRead = "accounting_taxrate_read",
        AccountingTaxrateWrite = "accounting_taxrate_write",
        AccountingOrganizationRead = "accounting_organization_read",
        AccountingOrderRead = "accounting_order_read",
        AccountingOrderWrite = "accounting_order_write",
        AccountingPurchaseorderRead = "accounting_purchaseorder_read",
        AccountingPurchaseorderWrite = "accounting_purchaseorder_write",
        AccountingSalesorderRead = "accounting_salesorder_read",
        AccountingSalesorderWrite = "accounting_salesorder_write",
        AccountingReportRead = "accounting_report_read",
        AccountingReportWrite = "accounting_report_write",
        AccountingTrialbalanceRead = "accounting_trialbalance_read",
        AccountingTrialbalanceWrite = "accounting_trialbalance_write",
        AccountingProfitlossRead = "accounting_profitloss_read",
        AccountingProfitlossWrite = "accounting_profitloss_write",
        AccountingBalancesheetRead = "accounting_balancesheet_read",
        AccountingBalancesheetWrite = "accounting_balancesheet_write",
        AccountingCategoryRead = "accounting_category_read",
        AccountingCategoryWrite = "accounting_category_write",
        PaymentPaymentRead = "payment_payment_read", PaymentPaymentWrite = "payment_payment_write",
        AccountingCashflowRead = "accounting_cashflow_read",
        AccountingCashflowWrite = "accounting_cashflow_write",
        AccountingQuoteRead = "accounting_quote_read",
        AccountingQuoteWrite = "accounting_quote_write",
        AccountingAgedreceivableRead = "accounting_agedreceivable_read",
        AccountingAgedpayableRead = "accounting_agedpayable_read",
        AccountingProjectRead = "accounting_project_read",
        AccountingProjectWrite = "accounting_project_write",
        AccountingBankfeedaccountRead = "accounting_bankfeedaccount_read",
        AccountingBankfeedaccountWrite = "accounting_bankfeedaccount_write",
        AccountingBankfeedtransactionRead = "accounting_bankfeedtransaction_read",
        AccountingBankfeedtransactionWrite = "accounting_bankfeedtransaction_write",
        PaymentPayoutRead = "payment_payout_read", PaymentRefundRead = "payment_refund_read",
        PaymentLinkRead = "payment_link_read", PaymentLinkWrite = "payment_link_write",
        PaymentSubscriptionRead = "payment_subscription_read",
        PaymentSubscriptionWrite = "payment_subscription_write",
        CommerceItemRead = "commerce_item_read", CommerceItemWrite = "commerce_item_write",
        CommerceCollectionRead = "commerce_collection_read",
        CommerceCollectionWrite = "commerce_collection_write",
        CommerceInventoryRead = "commerce_inventory_read",
        CommerceInventoryWrite = "commerce_inventory_write",
        CommerceLocationRead = "commerce_location_read",
        CommerceLocationWrite = "commerce_location_write",
        CommerceReviewRead = "commerce_review_read", CommerceReviewWrite = "commerce_review_write",
        CommerceSaleschannelRead = "commerce_saleschannel_read",
        CommerceSaleschannelWrite = "commerce_saleschannel_write",
        CommerceItemvariantRead = "commerce_itemvariant_read",
        CommerceItemvariantWrite = "commerce_itemvariant_write",
        CommerceReservationRead = "commerce_reservation_read",
        CommerceReservationWrite = "commerce_reservation_write",
        CommerceAvailabilityRead = "commerce_availability_read",
        CommerceAvailabilityWrite = "commerce_availability_write",
        VerificationPackageRead = "verification_package_read",
        VerificationRequestRead = "verification_request_read",
        VerificationRequestWrite = "verification_request_write",
        AssessmentPackageRead = "assessment_package_read",
        AssessmentPackageWrite = "assessment_package_write",
        AssessmentOrderWrite = "assessment_order_write", AtsActivityRead = "ats_activity_read",
        AtsActivityWrite = "ats_activity_write", AtsApplicationRead = "ats_application_read",
        AtsApplicationWrite = "ats_application_write",
        AtsApplicationstatusRead = "ats_applicationstatus_read",
        AtsCandidateRead = "ats_candidate_read", AtsCandidateWrite = "ats_candidate_write",
        AtsInterviewRead = "ats_interview_read", AtsInterviewWrite = "ats_interview_write",
        AtsJobRead = "ats_job_read", AtsJobWrite = "ats_job_write",
        AtsCompanyRead = "ats_company_read", AtsCompanyWrite = "ats_company_write",
        AtsDocumentRead = "ats_document_read", AtsDocumentWrite = "ats_document_write",
        AtsScorecardRead = "ats_scorecard_read", AtsScorecardWrite = "ats_scorecard_write",
        CrmCompanyRead = "crm_company_read", CrmCompanyWrite = "crm_company_write",
        CrmContactRead = "crm_contact_read", CrmContactWrite = "crm_contact_write",
        CrmDealRead = "crm_deal_read", CrmDealWrite = "crm_deal_write",
        CrmEventRead = "crm_event_read", CrmEventWrite = "crm_event_write",
        CrmLeadRead = "crm_lead_read", CrmLeadWrite = "crm_lead_write",
        CrmPipelineRead = "crm_pipeline_read", CrmPipelineWrite = "crm_pipeline_write",
        CrmPicklistRead = "crm_picklist_read", MartechListRead = "martech_list_read",
        MartechListWrite = "martech_list_write", MartechMemberRead = "martech_member_read",
        MartechMemberWrite = "martech_member_write", MartechCampaignRead = "martech_campaign_read",
        MartechCampaignWrite = "martech_campaign_write", MartechReportRead = "martech_report_read",
        MartechReportWrite = "martech_report_write",
        TicketingCustomerRead = "ticketing_customer_read",
        TicketingCustomerWrite = "ticketing_customer_write",
        TicketingTicketRead = "ticketing_ticket_read",
        TicketingTicketWrite = "ticketing_ticket_write", TicketingNoteRead = "ticketing_note_read",
        TicketingNoteWrite = "ticketing_note_write",
        TicketingCategoryRead = "ticketing_category_read",
        TicketingCategoryWrite = "ticketing_category_write",
        HrisEmployeeRead = "hris_employee_read", HrisEmployeeWrite = "hris_employee_write",
        HrisGroupRead = "hris_group_read", HrisGroupWrite = "hris_group_write",
        HrisPayslipRead = "hris_payslip_read", HrisPayslipWrite = "hris_payslip_write",
        HrisTimeoffRead = "hris_timeoff_read", HrisTimeoffWrite = "hris_timeoff_write",
        HrisTimeshiftRead = "hris_timeshift_read", HrisTimeshiftWrite = "hris_timeshift_write",
        HrisAttendanceRead = "hris_attendance_read", HrisAttendanceWrite = "hris_attendance_write",
        HrisCompanyRead = "hris_company_read", HrisCompanyWrite = "hris_company_write",
        HrisLocationRead = "hris_location_read", HrisLocationWrite = "hris_location_write",
        HrisDeviceRead = "hris_device_read", HrisDeviceWrite = "hris_device_write",
        HrisDeductionRead = "hris_deduction_read", HrisDeductionWrite = "hris_deduction_write",
        HrisBenefitRead = "hris_benefit_read", HrisBenefitWrite = "hris_benefit_write",
        HrisBankaccountRead = "hris_bankaccount_read",
        HrisBankaccountWrite = "hris_bankaccount_write", HrisDocumentRead = "hris_document_read",
        HrisDocumentWrite = "hris_document_write", HrisTaxonomyRead = "hris_taxonomy_read",
        HrisTaxonomyWrite = "hris_taxonomy_write", UcCallRead = "uc_call_read",
        UcContactRead = "uc_contact_read", UcContactWrite = "uc_contact_write",
        UcCommentRead = "uc_comment_read", UcCommentWrite = "uc_comment_write",
        UcRecordingRead = "uc_recording_read", StorageFileRead = "storage_file_read",
        StorageFileWrite = "storage_file_write", Webhook = "webhook",
        GenaiModelRead = "genai_model_read", GenaiPromptRead = "genai_prompt_read",
        GenaiPromptWrite = "genai_prompt_write", GenaiEmbeddingRead = "genai_embedding_read",
        GenaiEmbeddingWrite = "genai_embedding_write",
        MessagingMessageRead = "messaging_message_read",
        MessagingMessageWrite = "messaging_message_write",
        MessagingChannelRead = "messaging_channel_read",
        MessagingChannelWrite = "messaging_channel_write",
        MessagingEventRead = "messaging_event_read", MessagingEventWrite = "messaging_event_write",
        KmsSpaceRead = "kms_space_read", KmsSpaceWrite = "kms_space_write",
        KmsPageRead = "kms_page_read", KmsPageWrite = "kms_page_write",
        KmsCommentRead = "kms_comment_read", KmsCommentWrite = "kms_comment_write",
        TaskProjectRead = "task_project_read", TaskProjectWrite = "task_project_write",
        TaskTaskRead = "task_task_read", TaskTaskWrite = "task_task_write",
        TaskChangeRead = "task_change_read", TaskCommentRead = "task_comment_read",
        TaskCommentWrite = "task_comment_write", ScimUsersRead = "scim_users_read",
        ScimUsersWrite = "scim_users_write", ScimGroupsRead = "scim_groups_read",
        ScimGroupsWrite = "scim_groups_write", LmsCourseRead = "lms_course_read",
        LmsCourseWrite = "lms_course_write", LmsClassRead = "lms_class_read",
        LmsClassWrite = "lms_class_write", LmsStudentRead = "lms_student_read",
        LmsStudentWrite = "lms_student_write", LmsInstructorRead = "lms_instructor_read",
        LmsInstructorWrite = "lms_instructor_write", LmsContentRead = "lms_content_read",
        LmsContentWrite = "lms_content_write", LmsCollectionRead = "lms_collection_read",
        LmsCollectionWrite = "lms_collection_write", LmsActivityRead = "lms_activity_read",
        LmsActivityWrite = "lms_activity_write", RepoOrganizationRead = "repo_organization_read",
        RepoOrganizationWrite = "repo_organization_write",
        RepoRepositoryRead = "repo_repository_read", RepoRepositoryWrite = "repo_repository_write",
        RepoBranchRead = "repo_branch_read", RepoBranchWrite = "repo_branch_write",
        RepoCommitRead = "repo_commit_read", RepoCommitWrite = "repo_commit_write",
        RepoPullrequestRead = "repo_pullrequest_read",
        RepoPullrequestWrite = "repo_pullrequest_write",
        MetadataMetadataRead = "metadata_metadata_read",
        MetadataMetadataWrite = "metadata_metadata_write",
        CalendarCalendarRead = "calendar_calendar_read",
        CalendarCalendarWrite = "calendar_calendar_write",
        CalendarEventRead = "calendar_event_read", CalendarEventWrite = "calendar_event_write",
        CalendarBusyRead = "calendar_busy_read", CalendarLinkRead = "calendar_link_read",
        CalendarLinkWrite = "calendar_link_write",
        CalendarRecordingRead = "calendar_recording_read",
        CalendarRecordingWrite = "calendar_recording_write",
        CalendarWebinarRead = "calendar_webinar_read",
        CalendarWebinarWrite = "calendar_webinar_write", EnrichPersonRead = "enrich_person_read",
        EnrichCompanyRead = "enrich_company_read", AdsAdRead = "ads_ad_read",
        AdsAdWrite = "ads_ad_write", AdsCampaignRead = "ads_campaign_read",
        AdsCampaignWrite = "ads_campaign_write", AdsGroupRead = "ads_group_read",
        AdsGroupWrite = "ads_group_write", AdsReportRead = "ads_report_read",
        AdsOrganizationRead = "ads_organization_read",
        AdsOrganizationWrite = "ads_organization_write", AdsCreativeRead = "ads_creative_read",
        AdsCreativeWrite = "ads_creative_write", AdsAssetRead = "ads_asset_read",
        AdsAssetWrite = "ads_asset_write", AdsInsertionorderRead = "ads_insertionorder_read",
        AdsInsertionorderWrite = "ads_insertionorder_write", AdsTargetRead = "ads_target_read",
        AdsPromotedRead = "ads_promoted_read", AnalyticsPropertyRead = "analytics_property_read",
        AnalyticsPropertyWrite = "analytics_property_write",
        AnalyticsEventRead = "analytics_event_read", AnalyticsEventWrite = "analytics_event_write",
        AnalyticsSessionRead = "analytics_session_read",
        AnalyticsVisitorRead = "analytics_visitor_read",
        AnalyticsVisitorWrite = "analytics_visitor_write",
        AnalyticsReportRead = "analytics_report_read", FormsFormRead = "forms_form_read",
        FormsFormWrite = "forms_form_write", FormsSubmissionRead = "forms_submission_read",
        FormsSubmissionWrite = "forms_submission_write",
        ShippingShipmentRead = "shipping_shipment_read",
        ShippingShipmentWrite = "shipping_shipment_write",
        ShippingLabelRead = "shipping_label_read", ShippingLabelWrite = "shipping_label_write",
        ShippingTrackingRead = "shipping_tracking_read", ShippingRateRead = "shipping_rate_read",
        ShippingRateWrite = "shipping_rate_write", ShippingCarrierRead = "shipping_carrier_read",
        SigningDocumentRead = "signing_document_read",
        SigningDocumentWrite = "signing_document_write",
        SigningSignatoryRead = "signing_signatory_read",
        SigningSignatoryWrite = "signing_signatory_write",
        SigningTemplateRead = "signing_template_read", ClubsGroupRead = "clubs_group_read",
        ClubsGroupWrite = "clubs_group_write", ClubsMemberRead = "clubs_member_read",
        ClubsMemberWrite = "clubs_member_write", ClubsActivityRead = "clubs_activity_read",
        ClubsActivityWrite = "clubs_activity_write", ClubsLocationRead = "clubs_location_read",
        ClubsLocationWrite = "clubs_location_write", ClubsEventRead = "clubs_event_read",
        ClubsEventWrite = "clubs_event_write", DatastoreDatabaseRead = "datastore_database_read",
        DatastoreDatabaseWrite = "datastore_database_write",
        DatastoreTableRead = "datastore_table_read", DatastoreTableWrite = "datastore_table_write",
        DatastoreRecordRead = "datastore_record_read",
        DatastoreRecordWrite = "datastore_record_write",
        DatastoreQueryRead = "datastore_query_read", DatastoreQueryWrite = "datastore_query_write",
        CdpProfileRead = "cdp_profile_read", CdpProfileWrite = "cdp_profile_write",
        CdpSegmentRead = "cdp_segment_read", CdpSegmentWrite = "cdp_segment_write",
        CdpEventRead = "cdp_event_read", CdpEventWrite = "cdp_event_write",
        CdpSourceRead = "cdp_source_read", CdpSourceWrite = "cdp_source_write",
        CdpDestinationRead = "cdp_destination_read", CdpDestinationWrite = "cdp_destination_write",
        CdpActivationRead = "cdp_activation_read", CdpActivationWrite = "cdp_activation_write",
        PerformanceCycleRead = "performance_cycle_read",
        PerformanceReviewRead = "performance_review_read",
        PerformanceReviewWrite = "performance_review_write",
        PerformanceGoalRead = "performance_goal_read",
        PerformanceGoalWrite = "performance_goal_write",
        PerformanceFeedbackRead = "performance_feedback_read",
        PerformanceFeedbackWrite = "performance_feedback_write",
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Connection {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub workspace_id: Option<String>,
        pub integration_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub integration_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub external_xref: Option<String>,
        pub permissions: Vec<Permission>,
        pub categories: Vec<Category>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub auth: Option<ConnectionAuth>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub is_paused: Option<bool>,
        #[serde(default = "production")]
        pub environment: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_healthy_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_unhealthy_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_unhealthy_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub secretsmanager_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub secretsmanager_key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub auth_aws_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub auth_azure_keyvault_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub auth_gcp_secret_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub auth_hashi_vault_path: Option<String>,
    }

    fn production() -> String {
        "Production".to_owned()
    }

    #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
    pub struct ConnectionAuth {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub access_token: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub api_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub app_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub audience: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authorize_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_secret: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub consumer_key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub consumer_secret: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub dev_api_key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub emails: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expires_in: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expiry_date: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub meta: Option<BTreeMap<String, serde_json::Value>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub other_auth_info: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pem: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refresh_token: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refresh_token_expires_date: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refresh_token_expires_in: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refresh_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_id: Option<String>,
    }
}

/// How a run is set up.
struct Settings {
    items: usize,
    warmup: usize,
    rounds: usize,
}

impl Settings {
    /// From the command line: `cargo bench` passes `--bench`, which is ignored.
    fn from_args() -> Self {
        let mut settings = Self {
            items: 10_000,
            warmup: 3,
            rounds: 15,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => {
                    settings.warmup = 1;
                    settings.rounds = 5;
                }
                // Whether the bench still runs, with every check of its data: a few
                // connections, one round, no warm-up (`cargo xtask bench --smoke`).
                "--smoke" => {
                    settings.items = 200;
                    settings.warmup = 0;
                    settings.rounds = 1;
                }
                "--items" => {
                    settings.items = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("--items takes a number");
                }
                "--rounds" => {
                    settings.rounds = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("--rounds takes a number");
                }
                _ => {}
            }
        }
        settings
    }
}

/// A small seeded generator (SplitMix64): the same data on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }

    /// An opaque token such as OAuth servers hand out.
    fn token(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        (0..len)
            .map(|_| char::from(CHARS[self.below(CHARS.len())]))
            .collect()
    }

    /// A time between 2023 and 2025, as the API writes it.
    fn date(&mut self) -> String {
        let seconds = 1_672_531_200 + (self.next() % (3 * 365 * 86_400)) as i64;
        let millis = (self.next() % 1000) as u32;
        chrono::DateTime::from_timestamp(seconds, millis * 1_000_000)
            .expect("in range")
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

const INTEGRATIONS: [&str; 20] = [
    "hubspot",
    "salesforce",
    "pipedrive",
    "bamboohr",
    "workday",
    "greenhouse",
    "lever",
    "quickbooks",
    "xero",
    "netsuite",
    "zendesk",
    "jira",
    "slack",
    "microsoftteams",
    "googledrive",
    "dropbox",
    "shopify",
    "stripe",
    "mailchimp",
    "gusto",
];

/// Values the API description does not list (yet).
const UNKNOWN_CATEGORIES: [&str; 4] = ["procurement", "iot", "legal", "insurance"];
const UNKNOWN_PERMISSIONS: [&str; 6] = [
    "crm_forecast_read",
    "crm_forecast_write",
    "hris_pension_plan_read",
    "ats_assessment_package_read",
    "procurement_order_read",
    "iot_device_write",
];

/// The two data sets, as JSON arrays of connections: `mixed` has unlisted enum values,
/// `known` is the same array with each of them replaced by a listed value.
struct Data {
    mixed: String,
    known: String,
    unknown_values: usize,
}

fn make_data(items: usize) -> Data {
    let categories = baseline::Category::WIRE;
    let permissions = baseline::Permission::WIRE;
    assert!(UNKNOWN_CATEGORIES.iter().all(|c| !categories.contains(c)));
    assert!(UNKNOWN_PERMISSIONS.iter().all(|p| !permissions.contains(p)));

    let mut rng = Rng(0x5EED_C0DE);
    let mut mixed = Vec::with_capacity(items);
    let mut known = Vec::with_capacity(items);
    let mut unknown_values = 0;
    for n in 0..items {
        let integration = rng.pick(&INTEGRATIONS);
        let count = 3 + rng.below(10);
        let mut known_permissions: Vec<Value> =
            (0..count).map(|_| json!(rng.pick(permissions))).collect();
        let mut mixed_permissions = known_permissions.clone();
        if rng.chance(20) {
            let at = rng.below(mixed_permissions.len());
            mixed_permissions[at] = json!(rng.pick(&UNKNOWN_PERMISSIONS));
            known_permissions[at] = json!(rng.pick(permissions));
            unknown_values += 1;
        }
        let count = 1 + rng.below(3);
        let mut known_categories: Vec<Value> =
            (0..count).map(|_| json!(rng.pick(categories))).collect();
        let mut mixed_categories = known_categories.clone();
        if rng.chance(10) {
            let at = rng.below(mixed_categories.len());
            mixed_categories[at] = json!(rng.pick(&UNKNOWN_CATEGORIES));
            known_categories[at] = json!(rng.pick(categories));
            unknown_values += 1;
        }
        let token_length = 40 + rng.below(80);
        let emails = 1 + rng.below(2);
        let auth = json!({
            "access_token": rng.token(token_length),
            "api_url": format!("https://api.{integration}.com/v2"),
            "app_id": rng.hex(12),
            "audience": format!("https://{integration}.com/api"),
            "authorize_url": format!("https://auth.{integration}.com/oauth/authorize"),
            "client_id": rng.hex(32),
            "client_secret": rng.token(48),
            "consumer_key": rng.hex(24),
            "consumer_secret": rng.token(40),
            "dev_api_key": rng.token(32),
            "emails": (0..emails).map(|i| format!("user{n}.{i}@example{}.com", rng.below(500))).collect::<Vec<_>>(),
            "expires_in": 3600,
            "expiry_date": rng.date(),
            "key": rng.token(24),
            "meta": {
                "instance_url": format!("https://org{}.my.{integration}.com", rng.below(100_000)),
                "scope": "read write offline_access",
                "portal_id": rng.below(10_000_000),
                "sandbox": rng.chance(10),
            },
            "name": format!("{integration} account {n}"),
            "other_auth_info": [rng.token(16), rng.token(16)],
            "pem": format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----", rng.token(120)),
            "refresh_token": rng.token(64),
            "refresh_token_expires_date": rng.date(),
            "refresh_token_expires_in": 7_776_000,
            "refresh_url": format!("https://auth.{integration}.com/oauth/refresh"),
            "state": rng.hex(16),
            "token": rng.token(36),
            "token_url": format!("https://auth.{integration}.com/oauth/token"),
            "user_id": format!("usr_{}", rng.hex(10)),
        });
        let mut connection = Map::new();
        let mut set = |key: &str, value: Value| {
            connection.insert(key.to_owned(), value);
        };
        set("id", json!(rng.hex(24)));
        set("created_at", json!(rng.date()));
        set("updated_at", json!(rng.date()));
        set("workspace_id", json!(rng.hex(24)));
        set("integration_type", json!(integration));
        set(
            "integration_name",
            json!(format!(
                "{}{}",
                integration[..1].to_uppercase(),
                &integration[1..]
            )),
        );
        set(
            "external_xref",
            json!(format!("customer-{}", rng.below(1_000_000))),
        );
        set("auth", auth);
        set("is_paused", json!(rng.chance(5)));
        set(
            "environment",
            json!(if rng.chance(90) {
                "Production"
            } else {
                "Sandbox"
            }),
        );
        set("last_healthy_at", json!(rng.date()));
        set("last_unhealthy_at", json!(rng.date()));
        set(
            "last_unhealthy_code",
            json!(rng.pick(&["401", "403", "token_expired", "rate_limited"])),
        );
        set("secretsmanager_id", json!(rng.hex(24)));
        set(
            "secretsmanager_key",
            json!(format!("connections/{}", rng.hex(12))),
        );
        set(
            "auth_aws_arn",
            json!(format!(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:{}",
                rng.hex(8)
            )),
        );
        set(
            "auth_azure_keyvault_id",
            json!(format!(
                "https://vault{}.vault.azure.net/secrets/conn",
                rng.below(10)
            )),
        );
        set(
            "auth_gcp_secret_name",
            json!(format!(
                "projects/p{}/secrets/conn/versions/1",
                rng.below(10)
            )),
        );
        set(
            "auth_hashi_vault_path",
            json!(format!("secret/data/connections/{}", rng.hex(8))),
        );
        let mut known_connection = connection.clone();
        connection.insert("permissions".to_owned(), Value::Array(mixed_permissions));
        connection.insert("categories".to_owned(), Value::Array(mixed_categories));
        known_connection.insert("permissions".to_owned(), Value::Array(known_permissions));
        known_connection.insert("categories".to_owned(), Value::Array(known_categories));
        mixed.push(Value::Object(connection));
        known.push(Value::Object(known_connection));
    }
    Data {
        mixed: serde_json::to_string(&mixed).expect("encodes"),
        known: serde_json::to_string(&known).expect("encodes"),
        unknown_values,
    }
}

/// Checks that the generated and the baseline types wrote the same JSON: equal as values
/// (objects compare by key, whatever the order of their fields) and of the same length, so
/// that encoding either is the same amount of work. On a difference, names the first
/// connection that differs and prints both.
fn assert_same_json(generated: &str, baseline: &str) {
    let generated_values: Vec<Value> = serde_json::from_str(generated).expect("valid JSON");
    let baseline_values: Vec<Value> = serde_json::from_str(baseline).expect("valid JSON");
    assert_eq!(
        generated_values.len(),
        baseline_values.len(),
        "the generated and baseline types write as many connections"
    );
    let differing = generated_values
        .iter()
        .zip(&baseline_values)
        .position(|(g, b)| g != b);
    if let Some(at) = differing {
        panic!(
            "the generated and baseline types write different JSON for connection {at}:\n\
             generated: {}\nbaseline:  {}",
            generated_values[at], baseline_values[at]
        );
    }
    assert_eq!(
        generated.len(),
        baseline.len(),
        "the generated and baseline types write JSON of the same length"
    );
}

/// The median of `rounds` timed passes of `generated` and `baseline`, which take turns.
fn race(
    settings: &Settings,
    mut generated: impl FnMut() -> Duration,
    mut baseline: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    for _ in 0..settings.warmup {
        generated();
        baseline();
    }
    let mut times = (Vec::new(), Vec::new());
    for round in 0..settings.rounds {
        // Alternate which goes first, so neither always runs on a warmer cache.
        if round % 2 == 0 {
            times.0.push(generated());
            times.1.push(baseline());
        } else {
            times.1.push(baseline());
            times.0.push(generated());
        }
    }
    (median(times.0), median(times.1))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Duration {
    let start = Instant::now();
    let items: Vec<T> = serde_json::from_str(black_box(text)).expect("decodes");
    let elapsed = start.elapsed();
    drop(black_box(items));
    elapsed
}

fn encode<T: serde::Serialize>(items: &[T], buffer: &mut Vec<u8>) -> Duration {
    buffer.clear();
    let start = Instant::now();
    serde_json::to_writer(&mut *buffer, black_box(items)).expect("encodes");
    let elapsed = start.elapsed();
    black_box(&buffer);
    elapsed
}

/// Prints one implementation's figures for a case, readable and machine-readable.
fn report(case: &str, data: &str, which: &str, items: usize, bytes: usize, time: Duration) {
    let seconds = time.as_secs_f64();
    let mb_per_s = bytes as f64 / 1e6 / seconds;
    let items_per_s = items as f64 / seconds;
    println!(
        "  {case:<6} {data:<5} {which:<9} {:>9.2} ms  {mb_per_s:>8.1} MB/s  {items_per_s:>10.0} items/s",
        seconds * 1e3
    );
    println!(
        "serde-bench case={case} data={data} impl={which} items={items} bytes={bytes} median_ns={} mb_per_s={mb_per_s:.1} items_per_s={items_per_s:.0}",
        time.as_nanos()
    );
}

/// Prints the generated types' throughput relative to the baseline's (items per second).
fn report_ratio(case: &str, data: &str, generated: Duration, baseline: Duration) {
    let ratio = baseline.as_secs_f64() / generated.as_secs_f64();
    println!("  {case:<6} {data:<5} generated/baseline throughput: {ratio:.3}x");
    println!("serde-bench-ratio case={case} data={data} ratio={ratio:.4}");
}

fn main() {
    let settings = Settings::from_args();
    let data = make_data(settings.items);
    println!(
        "serde: {} connections; known {} bytes, mixed {} bytes ({} unlisted values); median of {} rounds after {} warm-up",
        settings.items,
        data.known.len(),
        data.mixed.len(),
        data.unknown_values,
        settings.rounds,
        settings.warmup
    );
    println!(
        "serde-bench-setup items={} profile={} known_bytes={} mixed_bytes={} unknown_values={} rounds={} warmup={}",
        settings.items,
        // `cargo bench` builds in the bench profile unless given another, such as dev.
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "bench"
        },
        data.known.len(),
        data.mixed.len(),
        data.unknown_values,
        settings.rounds,
        settings.warmup
    );

    // Both read and write the same text, so the comparison is about the types alone.
    let generated_known: Vec<unified_connection::Connection> =
        serde_json::from_str(&data.known).expect("decodes");
    let baseline_known: Vec<baseline::Connection> =
        serde_json::from_str(&data.known).expect("decodes");
    let generated_mixed: Vec<unified_connection::Connection> =
        serde_json::from_str(&data.mixed).expect("decodes");
    let unknowns = generated_mixed
        .iter()
        .map(|c| {
            let p = c
                .permissions
                .iter()
                .filter(|p| matches!(p, unified_connection::Permission::Unknown(_)));
            let k = c
                .categories
                .iter()
                .filter(|k| matches!(k, unified_connection::Category::Unknown(_)));
            p.count() + k.count()
        })
        .sum::<usize>();
    assert_eq!(
        unknowns, data.unknown_values,
        "every unlisted value lands in `Unknown`"
    );
    let generated_text = serde_json::to_string(&generated_known).expect("encodes");
    let baseline_text = serde_json::to_string(&baseline_known).expect("encodes");
    assert_same_json(&generated_text, &baseline_text);
    let mixed_text = serde_json::to_string(&generated_mixed).expect("encodes");
    let mixed_back: Vec<unified_connection::Connection> =
        serde_json::from_str(&mixed_text).expect("decodes");
    assert!(
        mixed_back == generated_mixed,
        "unlisted values survive a round trip"
    );

    let items = settings.items;
    type Generated = unified_connection::Connection;
    type Baseline = baseline::Connection;

    let (g, b) = race(
        &settings,
        || decode::<Generated>(&data.known),
        || decode::<Baseline>(&data.known),
    );
    report("decode", "known", "generated", items, data.known.len(), g);
    report("decode", "known", "baseline", items, data.known.len(), b);
    report_ratio("decode", "known", g, b);

    let (g, b) = race(
        &settings,
        || decode::<Generated>(&data.mixed),
        || decode::<Baseline>(&data.known),
    );
    report("decode", "mixed", "generated", items, data.mixed.len(), g);
    report("decode", "mixed", "baseline", items, data.known.len(), b);
    report_ratio("decode", "mixed", g, b);

    let mut buffers = (
        Vec::with_capacity(2 * data.mixed.len()),
        Vec::with_capacity(2 * data.mixed.len()),
    );
    let (g, b) = race(
        &settings,
        || encode(&generated_known, &mut buffers.0),
        || encode(&baseline_known, &mut buffers.1),
    );
    report(
        "encode",
        "known",
        "generated",
        items,
        generated_text.len(),
        g,
    );
    report("encode", "known", "baseline", items, baseline_text.len(), b);
    report_ratio("encode", "known", g, b);

    let (g, b) = race(
        &settings,
        || encode(&generated_mixed, &mut buffers.0),
        || encode(&baseline_known, &mut buffers.1),
    );
    report("encode", "mixed", "generated", items, mixed_text.len(), g);
    report("encode", "mixed", "baseline", items, baseline_text.len(), b);
    report_ratio("encode", "mixed", g, b);

    // The enums alone, where an open enum's cost would show most: a flat array of listed
    // permissions, 10 per connection.
    let mut rng = Rng(0xE_0005);
    let count = 10 * settings.items;
    let values: Vec<&str> = (0..count)
        .map(|_| rng.pick(baseline::Permission::WIRE))
        .collect();
    let enums_text = serde_json::to_string(&values).expect("encodes");
    type GeneratedPermission = unified_connection::Permission;
    type BaselinePermission = baseline::Permission;
    let (g, b) = race(
        &settings,
        || decode::<GeneratedPermission>(&enums_text),
        || decode::<BaselinePermission>(&enums_text),
    );
    report("decode", "enums", "generated", count, enums_text.len(), g);
    report("decode", "enums", "baseline", count, enums_text.len(), b);
    report_ratio("decode", "enums", g, b);

    let generated_enums: Vec<GeneratedPermission> =
        serde_json::from_str(&enums_text).expect("decodes");
    let baseline_enums: Vec<BaselinePermission> =
        serde_json::from_str(&enums_text).expect("decodes");
    let (g, b) = race(
        &settings,
        || encode(&generated_enums, &mut buffers.0),
        || encode(&baseline_enums, &mut buffers.1),
    );
    report("encode", "enums", "generated", count, enums_text.len(), g);
    report("encode", "enums", "baseline", count, enums_text.len(), b);
    report_ratio("encode", "enums", g, b);
}
