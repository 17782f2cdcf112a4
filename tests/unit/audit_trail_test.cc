// AuditTrail on the events a real CommandHandler decides for a small
// procurement year of region haaglanden, and the table, JSON and CSV it
// prints.
#include "tools/inkoopctl/audit_trail.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/command_handler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_matchers.h"
#include "tests/testing/status_matchers.h"

namespace inkoop {
namespace {

using ::inkoop::testing::Bureau;
using ::inkoop::testing::EventOf;
using ::inkoop::testing::IsOk;
using ::inkoop::testing::Municipality;
using ::inkoop::testing::ParseText;
using ::inkoop::testing::Provider;
using ::inkoop::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kRegion[] = "haaglanden";

// The sequence numbers the fixture's commands get, one event each.
enum Seq : uint64_t {
  kAdopt = 1,
  kBudgetDelft2016,
  kBudgetDenHaag2016,
  kPlanDelft2016,
  kPlanDenHaag2016,
  kBudgetDelft2017,
  kRegisterP1,
  kRegisterP2,
  kSignC1,
  kSignC2,
  kAmendC1,
  kAssignA1,
  kStartA1,
  kClaimK1,
  kPaymentK1,
  kSuspendC1,
  kIndicatorC1,
};

AuditSubject Contract(const std::string& id) {
  return {AuditSubject::Kind::kContract, id, 0};
}
AuditSubject MunicipalityYear(const std::string& name, int32_t year) {
  return {AuditSubject::Kind::kMunicipality, name, year};
}
AuditSubject ProviderSubject(const std::string& id) {
  return {AuditSubject::Kind::kProvider, id, 0};
}

std::vector<uint64_t> Sequences(const std::vector<AuditRow>& rows) {
  std::vector<uint64_t> sequences;
  for (const AuditRow& row : rows) sequences.push_back(row.sequence);
  return sequences;
}

// A copy: callers pass the trail as a temporary.
AuditRow RowAt(const std::vector<AuditRow>& rows, uint64_t sequence) {
  for (const AuditRow& row : rows) {
    if (row.sequence == sequence) return row;
  }
  ADD_FAILURE() << "no row for event " << sequence;
  return AuditRow();
}

// Delft plans 3,000,000.00 ambulatory and 1,000,000.00 housing in 2016, Den
// Haag 2,000,000.00 ambulatory; provider p1 signs C-1 (ambulatory, Delft
// 1,200,000.00 and Den Haag 500,000.00), p2 signs C-2 (Den Haag only). C-1's
// Delft ceiling is raised to 1,500,000.00, p1 claims 12,500.00 for Delft,
// Delft pays it, the bureau suspends C-1 and p1 reports an indicator on it.
class AuditTrailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Submit("adopt", Bureau(), "2016-01-04", R"pb(adopt_framework {
      framework_id: "H10-2016"
      municipalities: [ "Delft", "Den Haag" ]
      lots { code: "ambulatory" name: "Ambulatory youth care" }
      lots { code: "housing" name: "Housing and guidance" }
      lot_rules {
        lot: "ambulatory"
        funding_models: FUNDING_MODEL_PER_UNIT
        max_tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 15000 }
      }
      period_start: "2016-01-01"
      period_end: "2017-12-31"
      quality_indicators: "drop out"
    })pb");
    Submit("budget-delft-2016", Municipality("Delft"), "2016-01-05",
           R"pb(set_budget {
             municipality: "Delft" year: 2016 source: BUDGET_SOURCE_MAY_CIRCULAR
             amount_cents: 12000000050
           })pb");
    Submit("budget-den-haag-2016", Municipality("Den Haag"), "2016-01-05",
           R"pb(set_budget {
             municipality: "Den Haag" year: 2016 source: BUDGET_SOURCE_MAY_CIRCULAR
             amount_cents: 50000000000
           })pb");
    Submit("plan-delft-2016", Municipality("Delft"), "2016-01-06", R"pb(submit_local_plan {
      municipality: "Delft" year: 2016
      lots { lot: "ambulatory" amount_cents: 300000000 }
      lots { lot: "housing" amount_cents: 100000000 }
    })pb");
    Submit("plan-den-haag-2016", Municipality("Den Haag"), "2016-01-06", R"pb(submit_local_plan {
      municipality: "Den Haag" year: 2016
      lots { lot: "ambulatory" amount_cents: 200000000 }
    })pb");
    Submit("budget-delft-2017", Municipality("Delft"), "2016-01-07",
           R"pb(set_budget {
             municipality: "Delft" year: 2017 source: BUDGET_SOURCE_OWN_FUNDS
             amount_cents: 10000000000
           })pb");
    Submit("register-p1", Bureau(), "2016-01-08",
           R"pb(register_provider {
             provider_id: "p1" name: "Jeugdzorg Delft B.V." chamber_of_commerce_number: "12345678"
           })pb");
    Submit("register-p2", Bureau(), "2016-01-08",
           R"pb(register_provider { provider_id: "p2" name: "Zorg Haaglanden" })pb");
    Submit("sign-c1", Bureau(), "2016-01-11", R"pb(sign_contract {
      contract_id: "C-1" provider_id: "p1" lot: "ambulatory"
      funding_model: FUNDING_MODEL_PER_UNIT term_start: "2016-01-01" term_end: "2016-12-31"
      ceilings { municipality: "Delft" ceiling_cents: 120000000 }
      ceilings { municipality: "Den Haag" ceiling_cents: 50000000 }
      tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 12500 }
    })pb");
    Submit("sign-c2", Bureau(), "2016-01-11", R"pb(sign_contract {
      contract_id: "C-2" provider_id: "p2" lot: "ambulatory"
      funding_model: FUNDING_MODEL_PER_UNIT term_start: "2016-01-01" term_end: "2016-12-31"
      ceilings { municipality: "Den Haag" ceiling_cents: 40000000 }
      tariffs { product_code: "45A48" unit: UNIT_HOUR tariff_cents: 11000 }
    })pb");
    Submit("amend-c1", Bureau(), "2016-02-01", R"pb(amend_contract {
      contract_id: "C-1"
      ceilings { municipality: "Delft" ceiling_cents: 150000000 }
      reason: "waiting lists in Delft"
    })pb");
    Submit("assign-a1", Municipality("Delft"), "2016-02-15", R"pb(assign_care {
      assignment_id: "a1" contract_id: "C-1" municipality: "Delft" client: "cl-1"
      product_code: "45A48" volume: 200 period_start: "2016-03-01" period_end: "2016-12-31"
    })pb");
    Submit("start-a1", Provider("p1"), "2016-03-02", R"pb(start_care {
      assignment_id: "a1" start_date: "2016-03-01"
    })pb");
    Submit("claim-k1", Provider("p1"), "2016-04-05", R"pb(record_claim {
      claim_id: "k1" contract_id: "C-1" municipality: "Delft" assignment_id: "a1"
      period_start: "2016-03-01" period_end: "2016-03-31"
      product_code: "45A48" units: 100 amount_cents: 1250000
    })pb");
    Submit("pay-k1", Municipality("Delft"), "2016-04-20", R"pb(record_payment {
      claim_id: "k1" amount_cents: 1250000 paid_on: "2016-04-20"
    })pb");
    Submit("suspend-c1", Bureau(), "2016-05-02", R"pb(suspend_contract {
      contract_id: "C-1" reason: "quality, inspection report"
    })pb");
    Submit("indicator-c1", Provider("p1"), "2016-07-01", R"pb(report_indicator {
      provider_id: "p1" contract_id: "C-1"
      period_start: "2016-01-01" period_end: "2016-06-30"
      indicator: INDICATOR_DROP_OUT value_permille: 120 count: 40 level: INDICATOR_LEVEL_CASE
    })pb");
    ASSERT_THAT(events_, SizeIs(kIndicatorC1));
  }

  // Handles `body` (text format) as command `id` of `actor`, happening on
  // `day` (YYYY-MM-DD) at 09:30, decided then.
  void Submit(const std::string& id, const v1::Actor& actor, const std::string& day,
              const std::string& body) {
    v1::Command command = ParseText<v1::Command>(body);
    command.set_command_id(id);
    command.set_region(kRegion);
    *command.mutable_actor() = actor;
    absl::CivilDay civil;
    ASSERT_TRUE(absl::ParseCivilTime(day, &civil)) << day;
    const absl::Time occurred =
        absl::FromCivil(absl::CivilSecond(civil) + 9 * 3600 + 30 * 60, absl::UTCTimeZone());
    // The engine's wall clock says `occurred`: it dates the events.
    Outcome outcome = handler_.HandleAuthenticated(command, occurred);
    ASSERT_TRUE(outcome.result.accepted()) << id << ": " << outcome.result.message();
    for (v1::Event& event : outcome.events) events_.push_back(std::move(event));
  }

  // The trail of `subject` over all the fixture's events, on a fresh state.
  std::vector<AuditRow> Trail(const AuditSubject& subject) {
    RegionState state;
    state.region = kRegion;
    AuditTrail trail(subject);
    for (const v1::Event& event : events_) {
      EXPECT_THAT(trail.Apply(state, event), IsOk()) << event.event_id();
    }
    return trail.rows();
  }

  CommandHandler handler_;
  std::vector<v1::Event> events_;
};

TEST_F(AuditTrailTest, ContractTrailListsEveryEventOfTheContractInOrder) {
  EXPECT_THAT(Sequences(Trail(Contract("C-1"))),
              ElementsAre(kSignC1, kAmendC1, kAssignA1, kStartA1, kClaimK1, kPaymentK1, kSuspendC1,
                          kIndicatorC1));
}

TEST_F(AuditTrailTest, ContractRowCarriesEnvelopeActorRoleCommandAndTimes) {
  const AuditRow row = RowAt(Trail(Contract("C-1")), kAmendC1);
  EXPECT_EQ(row.event_id, "haaglanden/11");
  EXPECT_EQ(row.occurred_at, "2016-02-01T09:30:00Z");
  EXPECT_EQ(row.recorded_at, "2016-02-01T09:30:00Z");
  EXPECT_EQ(row.actor, "bureau");
  EXPECT_EQ(row.role, "bureau");
  EXPECT_EQ(row.command_id, "amend-c1");
  EXPECT_EQ(row.event, "contract_amended");
  EXPECT_THAT(row.effects, ElementsAre("ceiling Delft: 1,200,000.00 -> 1,500,000.00"));
}

TEST_F(AuditTrailTest, SigningListsEveryFieldOfTheNewContractRecord) {
  EXPECT_THAT(RowAt(Trail(Contract("C-1")), kSignC1).effects,
              ElementsAre("provider_id: (none) -> p1", "lot: (none) -> ambulatory",
                          "funding_model: unspecified -> per unit",
                          "term_start: (none) -> 2016-01-01", "term_end: (none) -> 2016-12-31",
                          "status: unspecified -> active", "ceiling Delft: 0.00 -> 1,200,000.00",
                          "ceiling Den Haag: 0.00 -> 500,000.00", "unit 45A48: unspecified -> hour",
                          "tariff 45A48: 0.00 -> 125.00", "registration_days: 0 -> 7"));
}

TEST_F(AuditTrailTest, ClaimPaymentAndSuspensionShowAsChangedFieldsOfTheContract) {
  const std::vector<AuditRow> rows = Trail(Contract("C-1"));
  const AuditRow claim = RowAt(rows, kClaimK1);
  EXPECT_EQ(claim.actor, "p1");
  EXPECT_EQ(claim.role, "provider");
  EXPECT_EQ(claim.command_id, "claim-k1");
  EXPECT_EQ(claim.event, "claim_recorded");
  EXPECT_THAT(claim.effects, ElementsAre("claimed Delft 2016: 0.00 -> 12,500.00",
                                         "last_claimed_day: (none) -> 2016-03-31"));

  const AuditRow payment = RowAt(rows, kPaymentK1);
  EXPECT_EQ(payment.actor, "Delft");
  EXPECT_EQ(payment.role, "municipality");
  EXPECT_EQ(payment.event, "payment_recorded");
  EXPECT_THAT(payment.effects, ElementsAre("paid Delft 2016: 0.00 -> 12,500.00"));

  EXPECT_THAT(RowAt(rows, kSuspendC1).effects,
              ElementsAre("status: active -> suspended",
                          "status_reason: (none) -> quality, inspection report"));
}

TEST_F(AuditTrailTest, AContractsFirstIndicatorShowsAsItsBaseline) {
  const AuditRow row = RowAt(Trail(Contract("C-1")), kIndicatorC1);
  EXPECT_EQ(row.event, "indicator_reported");
  EXPECT_EQ(row.command_id, "indicator-c1");
  EXPECT_THAT(row.effects, ElementsAre("period_start drop out: (none) -> 2016-01-01",
                                       "period_end drop out: (none) -> 2016-06-30",
                                       "value_permille drop out: 0 -> 120",
                                       "count drop out: 0 -> 40"));
}

TEST_F(AuditTrailTest, EventsOfAnotherContractGiveNoRow) {
  const std::vector<AuditRow> rows = Trail(Contract("C-1"));
  EXPECT_THAT(rows, Not(::testing::Contains(Field(&AuditRow::sequence, kSignC2))));
  EXPECT_THAT(Sequences(Trail(Contract("C-2"))), ElementsAre(kSignC2));
  EXPECT_THAT(Trail(Contract("C-9")), IsEmpty());
}

TEST_F(AuditTrailTest, MunicipalityYearTrailListsBudgetPlanCeilingsAndClaims) {
  const std::vector<AuditRow> rows = Trail(MunicipalityYear("Delft", 2016));
  // The suspension releases the money of the days suspended.
  EXPECT_THAT(Sequences(rows), ElementsAre(kBudgetDelft2016, kPlanDelft2016, kSignC1, kAmendC1,
                                           kAssignA1, kClaimK1, kPaymentK1, kSuspendC1));
  const AuditRow budget = RowAt(rows, kBudgetDelft2016);
  EXPECT_EQ(budget.actor, "Delft");
  EXPECT_EQ(budget.role, "municipality");
  EXPECT_EQ(budget.command_id, "budget-delft-2016");
  EXPECT_THAT(budget.effects,
              ElementsAre("budget_set 2016: false -> true",
                          "source 2016: unspecified -> may circular",
                          "budget 2016: 0.00 -> 120,000,000.50"));
  EXPECT_THAT(RowAt(rows, kPlanDelft2016).effects,
              ElementsAre("plan_submitted 2016: false -> true",
                          "planned ambulatory 2016: 0.00 -> 3,000,000.00",
                          "planned housing 2016: 0.00 -> 1,000,000.00"));
  EXPECT_THAT(RowAt(rows, kSignC1).effects,
              ElementsAre("committed ambulatory 2016: 0.00 -> 1,200,000.00",
                          "contract C-1 ceiling Delft: 0.00 -> 1,200,000.00"));
  EXPECT_THAT(RowAt(rows, kAmendC1).effects,
              ElementsAre("committed ambulatory 2016: 1,200,000.00 -> 1,500,000.00",
                          "contract C-1 ceiling Delft: 1,200,000.00 -> 1,500,000.00"));
  EXPECT_THAT(RowAt(rows, kClaimK1).effects,
              ElementsAre("contract C-1 claimed Delft 2016: 0.00 -> 12,500.00"));
}

TEST_F(AuditTrailTest, MunicipalityTrailOfOneYearLeavesOutOtherYearsAndMunicipalities) {
  const std::vector<AuditRow> delft_2016 = Trail(MunicipalityYear("Delft", 2016));
  for (uint64_t other : {kBudgetDenHaag2016, kPlanDenHaag2016, kBudgetDelft2017, kSignC2}) {
    EXPECT_THAT(delft_2016, Not(::testing::Contains(Field(&AuditRow::sequence, other))))
        << "event " << other;
  }
  EXPECT_THAT(Sequences(Trail(MunicipalityYear("Delft", 2017))), ElementsAre(kBudgetDelft2017));
  // Every year: the framework names Delft, and 2017's budget joins in.
  EXPECT_THAT(Sequences(Trail(MunicipalityYear("Delft", 0))),
              ElementsAre(kAdopt, kBudgetDelft2016, kPlanDelft2016, kBudgetDelft2017, kSignC1,
                          kAmendC1, kAssignA1, kClaimK1, kPaymentK1, kSuspendC1));
  EXPECT_THAT(RowAt(Trail(MunicipalityYear("Delft", 0)), kBudgetDelft2017).effects,
              ElementsAre("budget_set 2017: false -> true",
                          "source 2017: unspecified -> own funds",
                          "budget 2017: 0.00 -> 100,000,000.00"));
}

TEST_F(AuditTrailTest, ProviderTrailListsItsRecordAndTheStatusOfItsContracts) {
  const std::vector<AuditRow> rows = Trail(ProviderSubject("p1"));
  // The amendment and the payment name neither p1 nor change a status.
  EXPECT_THAT(Sequences(rows),
              ElementsAre(kRegisterP1, kSignC1, kAssignA1, kStartA1, kClaimK1, kSuspendC1,
                          kIndicatorC1));
  const AuditRow registered = RowAt(rows, kRegisterP1);
  EXPECT_EQ(registered.actor, "bureau");
  EXPECT_EQ(registered.command_id, "register-p1");
  EXPECT_EQ(registered.event, "provider_registered");
  EXPECT_THAT(registered.effects,
              ElementsAre("name: (none) -> Jeugdzorg Delft B.V.",
                          "chamber_of_commerce_number: (none) -> 12345678"));
  EXPECT_THAT(RowAt(rows, kSignC1).effects,
              ElementsAre("contract C-1 status: unspecified -> active"));
  EXPECT_THAT(RowAt(rows, kClaimK1).effects, IsEmpty());
  const AuditRow suspended = RowAt(rows, kSuspendC1);
  EXPECT_EQ(suspended.command_id, "suspend-c1");
  EXPECT_THAT(suspended.effects, ElementsAre("contract C-1 status: active -> suspended"));
  EXPECT_THAT(Sequences(Trail(ProviderSubject("p2"))), ElementsAre(kRegisterP2, kSignC2));
}

TEST_F(AuditTrailTest, EvolveErrorIsReturnedAndRecordsNoRow) {
  RegionState state;
  state.region = kRegion;
  AuditTrail trail(Contract("C-1"));
  // Event 9 first: the chain expects event 1.
  EXPECT_THAT(trail.Apply(state, events_[kSignC1 - 1]),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("expected sequence 1")));
  EXPECT_THAT(trail.rows(), IsEmpty());
  EXPECT_TRUE(state.contracts.empty());

  v1::Event unknown = EventOf("");
  unknown.set_region(kRegion);
  unknown.set_sequence(1);
  unknown.set_event_id("haaglanden/1");
  EXPECT_THAT(trail.Apply(state, unknown),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("payload unknown")));
  EXPECT_THAT(trail.rows(), IsEmpty());
}

// Two rows written by hand, so the expected text is exact.
std::vector<AuditRow> HandRows() {
  AuditRow amended;
  amended.sequence = 11;
  amended.event_id = "haaglanden/11";
  amended.occurred_at = "2016-02-01T09:30:00Z";
  amended.recorded_at = "2016-02-01T09:30:01Z";
  amended.actor = "bureau";
  amended.role = "bureau";
  amended.command_id = "amend-c1";
  amended.event = "contract_amended";
  amended.effects = {"ceiling Delft: 1,200,000.00 -> 1,500,000.00",
                     "term_end: 2016-12-31 -> 2017-12-31"};
  AuditRow reported;
  reported.sequence = 105;
  reported.event_id = "haaglanden/105";
  reported.occurred_at = "2016-07-01T09:30:00.25Z";
  reported.recorded_at = "2016-07-01T09:30:01Z";
  reported.actor = "p1";
  reported.role = "provider";
  reported.command_id = "say \"hi\"";
  reported.event = "indicator_reported";
  return {amended, reported};
}

TEST(AuditTrailFormat, TableAlignsColumnsUnderAHeaderAndContinuesEffectsBelow) {
  EXPECT_EQ(FormatAuditTable(HandRows()),
            "seq  occurred_at              actor   role      command_id  event               "
            "effects\n"
            "11   2016-02-01T09:30:00Z     bureau  bureau    amend-c1    contract_amended    "
            "ceiling Delft: 1,200,000.00 -> 1,500,000.00\n"
            "                                                                                "
            "term_end: 2016-12-31 -> 2017-12-31\n"
            "105  2016-07-01T09:30:00.25Z  p1      provider  say \"hi\"    indicator_reported  "
            "-\n");
}

TEST(AuditTrailFormat, TableOfNoRowsIsTheHeader) {
  EXPECT_EQ(FormatAuditTable({}),
            "seq  occurred_at  actor  role  command_id  event  effects\n");
}

TEST(AuditTrailFormat, JsonIsOneArrayWithStableKeysAndEscapedText) {
  EXPECT_EQ(FormatAuditJson(HandRows()),
            "[\n"
            "  {\"sequence\": 11, \"event_id\": \"haaglanden/11\", "
            "\"occurred_at\": \"2016-02-01T09:30:00Z\", \"recorded_at\": \"2016-02-01T09:30:01Z\", "
            "\"actor\": \"bureau\", \"role\": \"bureau\", \"command_id\": \"amend-c1\", "
            "\"event\": \"contract_amended\", \"effects\": [\"ceiling Delft: 1,200,000.00 -> "
            "1,500,000.00\", \"term_end: 2016-12-31 -> 2017-12-31\"]},\n"
            "  {\"sequence\": 105, \"event_id\": \"haaglanden/105\", "
            "\"occurred_at\": \"2016-07-01T09:30:00.25Z\", "
            "\"recorded_at\": \"2016-07-01T09:30:01Z\", \"actor\": \"p1\", \"role\": \"provider\", "
            "\"command_id\": \"say \\\"hi\\\"\", \"event\": \"indicator_reported\", "
            "\"effects\": []}\n"
            "]\n");
  EXPECT_EQ(FormatAuditJson({}), "[]\n");
}

TEST(AuditTrailFormat, CsvQuotesFieldsWithCommasAndQuotesAndEndsLinesWithCrlf) {
  EXPECT_EQ(FormatAuditCsv(HandRows()),
            "sequence,event_id,occurred_at,recorded_at,actor,role,command_id,event,effects\r\n"
            "11,haaglanden/11,2016-02-01T09:30:00Z,2016-02-01T09:30:01Z,bureau,bureau,amend-c1,"
            "contract_amended,\"ceiling Delft: 1,200,000.00 -> 1,500,000.00; "
            "term_end: 2016-12-31 -> 2017-12-31\"\r\n"
            "105,haaglanden/105,2016-07-01T09:30:00.25Z,2016-07-01T09:30:01Z,p1,provider,"
            "\"say \"\"hi\"\"\",indicator_reported,\r\n");
}

TEST_F(AuditTrailTest, CsvOfTheContractTrailQuotesTheSuspensionReason) {
  std::vector<AuditRow> rows = Trail(Contract("C-1"));
  const std::vector<AuditRow> suspended = {RowAt(rows, kSuspendC1)};
  EXPECT_THAT(FormatAuditCsv(suspended),
              HasSubstr(",bureau,bureau,suspend-c1,contract_suspended,"
                        "\"status: active -> suspended; "
                        "status_reason: (none) -> quality, inspection report\"\r\n"));
}

}  // namespace
}  // namespace inkoop
