#include "tools/ocds/ocds.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/domain/commitment.h"
#include "engine/domain/dates.h"
#include "engine/domain/decide.h"
#include "engine/domain/money.h"
#include "engine/domain/state.h"
#include "engine/domain/tender.h"
#include "engine/status_macros.h"
#include "nlohmann/json.hpp"

namespace inkoop {
namespace {

// Insertion-ordered, so that output follows the order we build in.
using Json = nlohmann::ordered_json;

constexpr char kLotsExtension[] =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/"
    "extension.json";

// Money travels through building and merging as a binary value of this
// subtype holding the cents, so that no amount is ever a double: Write
// prints it as euros from the integer.
constexpr std::uint8_t kCentsSubtype = 0xEC;

Json Cents(int64_t cents) {
  std::vector<std::uint8_t> bytes(8);
  const uint64_t bits = static_cast<uint64_t>(cents);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  return Json::binary(std::move(bytes), kCentsSubtype);
}

int64_t CentsOf(const Json::binary_t& binary) {
  uint64_t bits = 0;
  for (std::uint8_t byte : binary) bits = (bits << 8) | byte;
  return static_cast<int64_t>(bits);
}

// "1234.56", "-0.05": the JSON number of euros, digit for digit from cents.
std::string Euros(int64_t cents) {
  const uint64_t magnitude = cents < 0 ? 0 - static_cast<uint64_t>(cents) : cents;
  return absl::StrFormat("%s%d.%02d", cents < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

Json ValueOf(int64_t cents) {
  Json value = Json::object();
  value["amount"] = Cents(cents);
  value["currency"] = "EUR";
  return value;
}

std::string Scalar(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// JSON text of `json`; `indent` < 0 is compact.
void Write(const Json& json, int indent, int depth, std::string& out) {
  const auto newline = [&](int level) {
    if (indent >= 0) absl::StrAppend(&out, "\n", std::string(indent * level, ' '));
  };
  if (json.is_object() && !json.empty()) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : json.items()) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      absl::StrAppend(&out, Scalar(Json(key)), indent >= 0 ? ": " : ":");
      Write(value, indent, depth + 1, out);
    }
    newline(depth);
    out += '}';
  } else if (json.is_array() && !json.empty()) {
    out += '[';
    bool first = true;
    for (const Json& value : json) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      Write(value, indent, depth + 1, out);
    }
    newline(depth);
    out += ']';
  } else if (json.is_binary()) {
    out += Euros(CentsOf(json.get_binary()));
  } else {
    out += Scalar(json);
  }
}

std::string Dump(const Json& json, int indent) {
  std::string out;
  Write(json, indent, 0, out);
  return out;
}

// OCDS merging (1.1, "Merging"): objects merge field by field, a null
// removes the field, arrays of objects with an `id` merge by id (order of
// first appearance), any other array is replaced whole. None of the fields
// we write is a wholeListMerge array.
bool MergedById(const Json& array) {
  return array.is_array() && !array.empty() &&
         std::all_of(array.begin(), array.end(),
                     [](const Json& element) {
                       return element.is_object() && element.contains("id");
                     });
}

Json& ElementWithId(Json& array, const Json& id) {
  for (Json& element : array) {
    if (element.is_object() && element.contains("id") && element["id"] == id) return element;
  }
  array.push_back(Json::object());
  return array.back();
}

// The fields a merge leaves out (omitWhenMerged) or keeps unversioned.
bool TopLevelMeta(const std::string& key) {
  return key == "ocid" || key == "id" || key == "date" || key == "tag";
}

void Compile(Json& compiled, const Json& part, bool top_level) {
  for (const auto& [key, value] : part.items()) {
    if (top_level && TopLevelMeta(key)) continue;
    if (value.is_null()) {
      compiled.erase(key);
    } else if (value.is_object()) {
      Json& target = compiled[key];
      if (!target.is_object()) target = Json::object();
      Compile(target, value, false);
    } else if (MergedById(value)) {
      Json& target = compiled[key];
      if (!target.is_array()) target = Json::array();
      for (const Json& element : value) {
        Compile(ElementWithId(target, element["id"]), element, false);
      }
    } else {
      compiled[key] = value;
    }
  }
}

// The versioned release: every field a list of {releaseID, releaseDate,
// releaseTag, value}, a new entry only when the value changed. The `id` of
// an object merged by id identifies it and is not versioned.
void Version(Json& versioned, const Json& part, const Json& release, bool top_level,
             bool identified) {
  for (const auto& [key, value] : part.items()) {
    if (top_level && TopLevelMeta(key)) continue;
    if (identified && key == "id") {
      versioned[key] = value;
    } else if (value.is_object()) {
      Json& target = versioned[key];
      if (!target.is_object()) target = Json::object();
      Version(target, value, release, false, false);
    } else if (MergedById(value)) {
      Json& target = versioned[key];
      if (!target.is_array()) target = Json::array();
      for (const Json& element : value) {
        Version(ElementWithId(target, element["id"]), element, release, false, true);
      }
    } else {
      Json& history = versioned[key];
      if (!history.is_array()) history = Json::array();
      if (history.empty() || history.back()["value"] != value) {
        Json entry = Json::object();
        entry["releaseID"] = release["id"];
        entry["releaseDate"] = release["date"];
        entry["releaseTag"] = release["tag"];
        entry["value"] = value;
        history.push_back(std::move(entry));
      }
    }
  }
}

// partyRole codes, in the order a party lists them.
enum PartyRole : uint32_t {
  kBuyer = 1,
  kProcuringEntity = 2,
  kSupplier = 4,
  kTenderer = 8,
  kPayer = 16,
  kPayee = 32,
};
constexpr std::pair<PartyRole, const char*> kPartyRoles[] = {
    {kBuyer, "buyer"},       {kProcuringEntity, "procuringEntity"},
    {kSupplier, "supplier"}, {kTenderer, "tenderer"},
    {kPayer, "payer"},       {kPayee, "payee"},
};

struct Party {
  std::string id;
  std::string name;
  std::string chamber_of_commerce_number;
  uint32_t roles = 0;
};

// One contracting process: its parties, its releases, and their merge.
struct Process {
  std::string ocid;
  std::vector<Party> parties;  // in order of first appearance
  std::string buyer;           // party id of the lead buyer
  std::vector<Json> releases;
  Json compiled = Json::object();
  Json versioned = Json::object();
  std::set<std::string> awards;  // award ids
  // The parties the release being built names or changes: a release lists
  // only those (each with all its roles, as merging replaces the roles
  // whole), the compiled release all.
  std::set<std::string> touched;
};

// The parts of a release besides its envelope and parties; null: absent.
struct Sections {
  Json tender;
  Json awards;
  Json contracts;
};

std::string MunicipalityParty(const std::string& municipality) {
  return absl::StrCat("municipality/", municipality);
}
std::string ProviderParty(const std::string& provider_id) {
  return absl::StrCat("provider/", provider_id);
}
constexpr char kBureauParty[] = "bureau";

// Civil dates as RFC 3339 instants in UTC: a period covers whole days.
std::string DayStart(const std::string& day) { return absl::StrCat(day, "T00:00:00Z"); }
std::string DayEnd(const std::string& day) { return absl::StrCat(day, "T23:59:59Z"); }

Json PeriodOf(const std::string& start, const std::string& end) {
  Json period = Json::object();
  if (!start.empty()) period["startDate"] = DayStart(start);
  if (!end.empty()) period["endDate"] = DayEnd(end);
  return period;
}

template <typename Table, typename Key>
const auto* Find(const Table& table, const Key& key) {
  const auto it = table.find(key);
  return it == table.end() ? nullptr : &it->second;
}

}  // namespace

struct OcdsExport::Processes {
  std::string region;
  OcdsOptions options;
  RegionState state;
  std::vector<std::string> municipality_order;  // as the frameworks list them
  std::map<std::string, Process> by_ocid;
  std::vector<std::string> ocids;  // in order of their first release
  std::vector<std::pair<std::string, size_t>> released;  // (ocid, index), in event order

  std::string Ocid(const std::string& id) const {
    return absl::StrCat(options.ocid_prefix, "-", region, "-", id);
  }

  Process& ProcessOf(const std::string& ocid) {
    auto [it, added] = by_ocid.try_emplace(ocid);
    if (added) it->second.ocid = ocid;
    return it->second;
  }

  // A contract's process: its tender's, else its own (a direct award).
  Process& ContractProcess(const v1::ContractRecord& contract) {
    return ProcessOf(Ocid(contract.tender_id().empty() ? contract.contract_id()
                                                       : contract.tender_id()));
  }

  std::string LotName(const std::string& lot) const {
    const auto it = state.framework.lots.find(lot);
    return it == state.framework.lots.end() || it->second.name.empty() ? lot : it->second.name;
  }

  std::string ProviderName(const std::string& provider_id) const {
    const v1::ProviderRecord* provider = Find(state.providers, provider_id);
    return provider == nullptr || provider->name().empty() ? provider_id : provider->name();
  }

  Party& PartyOf(Process& process, const std::string& id, const std::string& name) {
    process.touched.insert(id);
    for (Party& party : process.parties) {
      if (party.id == id) return party;
    }
    process.parties.push_back(Party{id, name, "", 0});
    return process.parties.back();
  }

  // The party of `role`, and its reference {id, name}.
  Json AddMunicipality(Process& process, const std::string& municipality, PartyRole role) {
    Party& party = PartyOf(process, MunicipalityParty(municipality), municipality);
    party.roles |= role;
    if (role == kBuyer) LeadBuyer(process);
    return Reference(party);
  }

  Json AddProvider(Process& process, const std::string& provider_id, PartyRole role) {
    Party& party =
        PartyOf(process, ProviderParty(provider_id), ProviderName(provider_id));
    const v1::ProviderRecord* provider = Find(state.providers, provider_id);
    if (provider != nullptr) {
      party.chamber_of_commerce_number = provider->chamber_of_commerce_number();
    }
    party.roles |= role;
    return Reference(party);
  }

  Json AddBureau(Process& process) {
    Party& party =
        PartyOf(process, kBureauParty, absl::StrCat("Procurement bureau ", region));
    party.roles |= kProcuringEntity;
    return Reference(party);
  }

  static Json Reference(const Party& party) {
    Json reference = Json::object();
    reference["id"] = party.id;
    reference["name"] = party.name;
    return reference;
  }

  // OCDS 1.1 has one `buyer`: of the process's municipalities, the first
  // the framework lists (the region's central municipality by custom);
  // every one of them is a party with the buyer role.
  void LeadBuyer(Process& process) {
    for (const std::string& municipality : municipality_order) {
      for (const Party& party : process.parties) {
        if ((party.roles & kBuyer) != 0 && party.id == MunicipalityParty(municipality)) {
          process.buyer = party.id;
          return;
        }
      }
    }
  }

  // The touched parties, and the lead buyer.
  Json PartiesOf(const Process& process) const {
    Json parties = Json::array();
    for (const Party& party : process.parties) {
      if (process.touched.count(party.id) == 0 && party.id != process.buyer) continue;
      Json organization = Json::object();
      organization["id"] = party.id;
      organization["name"] = party.name;
      if (!party.chamber_of_commerce_number.empty()) {
        organization["identifier"] = {{"scheme", "NL-KVK"},
                                      {"id", party.chamber_of_commerce_number},
                                      {"legalName", party.name}};
      }
      Json roles = Json::array();
      for (const auto& [role, code] : kPartyRoles) {
        if ((party.roles & role) != 0) roles.push_back(code);
      }
      organization["roles"] = std::move(roles);
      parties.push_back(std::move(organization));
    }
    return parties;
  }

  std::string Emit(Process& process, const v1::Event& event, std::vector<std::string> tags,
                   Sections sections) {
    Json release = Json::object();
    release["ocid"] = process.ocid;
    release["id"] = absl::StrCat(region, "-", event.sequence());
    release["date"] = FormatTimestamp(event.occurred_at());
    release["tag"] = std::move(tags);
    release["initiationType"] = "tender";
    if (!process.parties.empty()) release["parties"] = PartiesOf(process);
    process.touched.clear();
    if (!process.buyer.empty()) {
      for (const Party& party : process.parties) {
        if (party.id == process.buyer) release["buyer"] = Reference(party);
      }
    }
    if (!sections.tender.is_null()) release["tender"] = std::move(sections.tender);
    if (!sections.awards.is_null()) release["awards"] = std::move(sections.awards);
    if (!sections.contracts.is_null()) release["contracts"] = std::move(sections.contracts);

    Compile(process.compiled, release, true);
    Version(process.versioned, release, release, true, false);
    if (process.releases.empty()) ocids.push_back(process.ocid);
    released.emplace_back(process.ocid, process.releases.size());
    process.releases.push_back(release);
    return Dump(release, -1);
  }

  // The buyers of a tender: the municipalities whose plans the purchase
  // order of its year sums, else the framework's.
  void TenderBuyers(Process& process, int32_t year) {
    const v1::PurchaseOrderRecord* order = Find(state.purchase_orders, year);
    if (order != nullptr && order->municipalities_size() > 0) {
      for (const std::string& municipality : order->municipalities()) {
        AddMunicipality(process, municipality, kBuyer);
      }
    } else {
      for (const std::string& municipality : state.framework.municipalities) {
        AddMunicipality(process, municipality, kBuyer);
      }
    }
  }

  Json TenderOf(Process& process, const v1::TenderRecord& tender, const v1::Event& event) {
    const bool open_house = tender.procedure() == v1::TENDER_PROCEDURE_OPEN_HOUSE;
    Json json = Json::object();
    json["id"] = tender.tender_id();
    json["title"] = absl::StrCat(LotName(tender.lot()), " ", tender.year());
    json["status"] = "active";
    json["procuringEntity"] = AddBureau(process);
    // The products of the lot at the tariff the procedure offers: the
    // harmonised one in an admission, else the highest allowed.
    Json items = Json::array();
    const auto rules = state.framework.rules.find(tender.lot());
    if (rules != state.framework.rules.end()) {
      const auto& tariffs =
          open_house ? rules->second.harmonised_tariffs() : rules->second.max_tariffs();
      for (const v1::Tariff& tariff : tariffs) {
        Json item = Json::object();
        item["id"] = tariff.product_code();
        item["description"] = absl::StrCat("iJw product ", tariff.product_code());
        item["unit"] = {{"name", UnitName(tariff.unit())},
                        {"value", ValueOf(tariff.tariff_cents())}};
        item["relatedLot"] = tender.lot();
        items.push_back(std::move(item));
      }
    }
    if (!items.empty()) json["items"] = std::move(items);
    json["value"] = ValueOf(tender.ceiling_cents());
    json["procurementMethod"] = "open";
    json["procurementMethodDetails"] =
        open_house ? "Open house: every provider meeting the requirements is admitted"
                   : "Competitive: bids compete and are awarded after the deadline";
    json["mainProcurementCategory"] = "services";
    Json tender_period = Json::object();
    tender_period["startDate"] = FormatTimestamp(event.occurred_at());
    if (!tender.deadline().empty()) tender_period["endDate"] = DayEnd(tender.deadline());
    json["tenderPeriod"] = std::move(tender_period);
    const std::string year = absl::StrCat(tender.year());
    json["contractPeriod"] = PeriodOf(year + "-01-01", year + "-12-31");
    json["lots"] = Json::array({{{"id", tender.lot()},
                                 {"title", LotName(tender.lot())},
                                 {"status", "active"},
                                 {"value", ValueOf(tender.ceiling_cents())}}});
    return json;
  }

  // The tender's new tenderer (merged by id into those before) and how
  // many providers bid or applied so far, withdrawn ones too.
  Json Tenderer(Process& process, const v1::TenderRecord& tender,
                const std::string& provider_id) {
    std::set<std::string> providers;
    for (const v1::BidRecord& bid : tender.bids()) providers.insert(bid.provider_id());
    return {{"id", tender.tender_id()},
            {"numberOfTenderers", providers.size()},
            {"tenderers", Json::array({AddProvider(process, provider_id, kTenderer)})}};
  }

  Json StatusOfTender(const v1::TenderRecord& tender, const char* status) const {
    return {{"id", tender.tender_id()},
            {"status", status},
            {"lots", Json::array({{{"id", tender.lot()}, {"status", status}}})}};
  }

  absl::StatusOr<int64_t> ContractValue(const v1::ContractRecord& contract) const {
    if (contract.term_start().empty() || contract.term_end().empty()) return 0;
    int64_t total = 0;
    for (int32_t year = StoredDay(contract.term_start()).year();
         year <= StoredDay(contract.term_end()).year(); ++year) {
      ASSIGN_OR_RETURN(const int64_t ceiling, WholeCeilingOf(contract, year));
      ASSIGN_OR_RETURN(total, AddCents(total, ceiling, "contract value"));
    }
    return total;
  }

  // The contract as it now stands: its value is its ceilings as written,
  // summed over the budget years of its term; each ceiling is an item.
  absl::StatusOr<Json> ContractOf(Process& process, const v1::ContractRecord& contract,
                                  const std::string& award_id) {
    Json json = Json::object();
    json["id"] = contract.contract_id();
    json["awardID"] = award_id;
    json["title"] =
        absl::StrCat(LotName(contract.lot()), ": ", ProviderName(contract.provider_id()));
    json["status"] = "active";
    json["period"] = PeriodOf(contract.term_start(), contract.term_end());
    ASSIGN_OR_RETURN(const int64_t value, ContractValue(contract));
    json["value"] = ValueOf(value);
    Json items = Json::array();
    const auto ceiling_item = [&](const std::string& id, const std::string& description,
                                  int64_t cents) {
      Json item = Json::object();
      item["id"] = id;
      item["description"] = description;
      item["quantity"] = 1;
      item["unit"] = {{"name", "ceiling"}, {"value", ValueOf(cents)}};
      items.push_back(std::move(item));
    };
    if (contract.region_ceiling_cents() > 0) {
      ceiling_item("ceiling", "Ceiling of the region per budget year",
                   contract.region_ceiling_cents());
      for (const std::string& municipality : state.framework.municipalities) {
        AddMunicipality(process, municipality, kBuyer);
      }
    }
    for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
      AddMunicipality(process, ceiling.municipality(), kBuyer);
      if (ceiling.year() == 0) {
        ceiling_item(absl::StrCat("ceiling/", ceiling.municipality()),
                     absl::StrCat("Ceiling of ", ceiling.municipality(), " per budget year"),
                     ceiling.ceiling_cents());
      } else {
        ceiling_item(absl::StrCat("ceiling/", ceiling.municipality(), "/", ceiling.year()),
                     absl::StrCat("Ceiling of ", ceiling.municipality(), " in ", ceiling.year()),
                     ceiling.ceiling_cents());
      }
    }
    if (!items.empty()) json["items"] = std::move(items);
    return json;
  }

  // The award a contract carries out: the awarded bid or admitted
  // application it names, else one made for it (a direct award).
  std::string AwardIdOf(const v1::ContractRecord& contract) {
    const Process& process = ContractProcess(contract);
    if (!contract.bid_id().empty() && process.awards.count(contract.bid_id()) > 0) {
      return contract.bid_id();
    }
    return contract.contract_id();
  }

  Json Award(Process& process, const std::string& id, const char* status,
             const v1::Event& event, const std::string& lot) {
    process.awards.insert(id);
    Json award = Json::object();
    award["id"] = id;
    award["status"] = status;
    award["date"] = FormatTimestamp(event.occurred_at());
    award["relatedLots"] = Json::array({lot});
    return award;
  }

  absl::StatusOr<std::vector<std::string>> OnContractSigned(const v1::Event& event) {
    const v1::ContractRecord* contract =
        Find(state.contracts, event.contract_signed().contract_id());
    if (contract == nullptr) return std::vector<std::string>{};
    Process& process = ContractProcess(*contract);
    Json supplier = AddProvider(process, contract->provider_id(), kSupplier);
    AddBureau(process);
    const std::string award_id = AwardIdOf(*contract);
    ASSIGN_OR_RETURN(Json contract_json, ContractOf(process, *contract, award_id));
    contract_json["dateSigned"] = FormatTimestamp(event.occurred_at());
    Sections sections;
    std::vector<std::string> tags = {"contract"};
    if (award_id == contract->contract_id()) {
      Json award = Award(process, award_id, "active", event, contract->lot());
      award["title"] = absl::StrCat("Direct award: ", contract_json["title"].get<std::string>());
      award["value"] = contract_json["value"];
      award["suppliers"] = Json::array({supplier});
      sections.awards = Json::array({std::move(award)});
      tags.insert(tags.begin(), "award");
      if (contract->tender_id().empty()) {
        // A direct award's process has no tender of its own: say what it
        // bought and how.
        sections.tender = {{"id", contract->contract_id()},
                           {"title", contract_json["title"]},
                           {"status", "complete"},
                           {"procuringEntity", AddBureau(process)},
                           {"procurementMethod", "direct"},
                           {"mainProcurementCategory", "services"},
                           {"lots", Json::array({{{"id", contract->lot()},
                                                  {"title", LotName(contract->lot())},
                                                  {"status", "complete"}}})}};
        tags.insert(tags.begin(), "tender");
      }
    }
    sections.contracts = Json::array({std::move(contract_json)});
    return std::vector<std::string>{Emit(process, event, std::move(tags), std::move(sections))};
  }

  // The release `event` makes in the process of tender `tender_id` with
  // `tag`: build(process, tender, sections) fills in its sections. Nothing
  // when the tender is unknown.
  template <typename Build>
  std::vector<std::string> TenderRelease(const v1::Event& event, const std::string& tender_id,
                                         const char* tag, Build build) {
    const v1::TenderRecord* tender = Find(state.tenders, tender_id);
    if (tender == nullptr) return {};
    Process& process = ProcessOf(Ocid(tender_id));
    Sections sections;
    build(process, *tender, sections);
    return {Emit(process, event, {tag}, std::move(sections))};
  }

  // The release `event` makes about contract `contract_id` with `tag`:
  // build(process, contract) returns the contract's part of it. Nothing
  // when the contract is unknown.
  template <typename Build>
  absl::StatusOr<std::vector<std::string>> ContractRelease(const v1::Event& event,
                                                           const std::string& contract_id,
                                                           const char* tag, Build build) {
    const v1::ContractRecord* contract = Find(state.contracts, contract_id);
    if (contract == nullptr) return std::vector<std::string>{};
    Process& process = ContractProcess(*contract);
    absl::StatusOr<Json> contract_json = build(process, *contract);
    if (!contract_json.ok()) return contract_json.status();
    Sections sections;
    sections.contracts = Json::array({*std::move(contract_json)});
    return std::vector<std::string>{Emit(process, event, {tag}, std::move(sections))};
  }

  // An amendment of the contract: its new state and what changed.
  absl::StatusOr<std::vector<std::string>> OnAmendment(const v1::Event& event,
                                                       const std::string& contract_id,
                                                       const std::string& rationale,
                                                       const std::string& description) {
    return ContractRelease(
        event, contract_id, "contractAmendment",
        [&](Process& process, const v1::ContractRecord& contract) -> absl::StatusOr<Json> {
          ASSIGN_OR_RETURN(Json json, ContractOf(process, contract, AwardIdOf(contract)));
          const std::string id = absl::StrCat(region, "-", event.sequence());
          Json amendment = Json::object();
          amendment["id"] = id;
          amendment["date"] = FormatTimestamp(event.occurred_at());
          if (!rationale.empty()) amendment["rationale"] = rationale;
          amendment["description"] = description;
          if (!process.releases.empty()) {
            amendment["amendsReleaseID"] = process.releases.back()["id"];
          }
          amendment["releaseID"] = id;
          json["amendments"] = Json::array({std::move(amendment)});
          return json;
        });
  }

  // A change of the contract's status: `status` null leaves it.
  absl::StatusOr<std::vector<std::string>> OnContractStatus(const v1::Event& event,
                                                            const std::string& contract_id,
                                                            const char* tag, const char* status,
                                                            const std::string& description) {
    return ContractRelease(
        event, contract_id, tag,
        [&](Process&, const v1::ContractRecord& contract) -> absl::StatusOr<Json> {
          Json json = {{"id", contract.contract_id()}, {"awardID", AwardIdOf(contract)}};
          if (status != nullptr) json["status"] = status;
          json["description"] = description;
          return json;
        });
  }

  // A payment to the provider by the municipality, named by its event.
  absl::StatusOr<std::vector<std::string>> OnPayment(const v1::Event& event,
                                                     const std::string& contract_id,
                                                     const std::string& municipality,
                                                     const std::string& provider_id,
                                                     int64_t cents, const std::string& paid_on) {
    return ContractRelease(
        event, contract_id, "implementation",
        [&](Process& process, const v1::ContractRecord& contract) -> absl::StatusOr<Json> {
          Json transaction = Json::object();
          transaction["id"] = absl::StrCat(region, "-", event.sequence());
          transaction["date"] =
              paid_on.empty() ? FormatTimestamp(event.occurred_at()) : DayStart(paid_on);
          transaction["value"] = ValueOf(cents);
          transaction["payer"] = AddMunicipality(process, municipality, kPayer);
          transaction["payee"] = AddProvider(process, provider_id, kPayee);
          return Json{{"id", contract.contract_id()},
                      {"awardID", AwardIdOf(contract)},
                      {"implementation", {{"transactions", Json::array({transaction})}}}};
        });
  }

  // Adds the award of the bid or admitted application, its provider a
  // supplier.
  Json AwardOfBid(Process& process, const v1::TenderRecord& tender, const std::string& id,
                  const char* status, const v1::Event& event, const std::string& title,
                  const std::string& provider_id) {
    Json award = Award(process, id, status, event, tender.lot());
    award["title"] = title;
    if (!provider_id.empty()) {
      award["suppliers"] = Json::array({AddProvider(process, provider_id, kSupplier)});
    }
    return award;
  }

  absl::StatusOr<std::vector<std::string>> Releases(const v1::Event& event) {
    using Tender = const v1::TenderRecord&;
    switch (event.payload_case()) {
      case v1::Event::kFrameworkAdopted:
        for (const std::string& municipality : event.framework_adopted().municipalities()) {
          if (std::find(municipality_order.begin(), municipality_order.end(), municipality) ==
              municipality_order.end()) {
            municipality_order.push_back(municipality);
          }
        }
        return std::vector<std::string>{};
      case v1::Event::kTenderPublished:
        return TenderRelease(event, event.tender_published().tender_id(), "tender",
                             [&](Process& process, Tender tender, Sections& sections) {
                               TenderBuyers(process, tender.year());
                               sections.tender = TenderOf(process, tender, event);
                             });
      case v1::Event::kBidReceived:
        return TenderRelease(event, event.bid_received().tender_id(), "tenderUpdate",
                             [&](Process& process, Tender tender, Sections& sections) {
                               sections.tender =
                                   Tenderer(process, tender, event.bid_received().provider_id());
                             });
      case v1::Event::kAdmissionApplied:
        return TenderRelease(event, event.admission_applied().tender_id(), "tenderUpdate",
                             [&](Process& process, Tender tender, Sections& sections) {
                               sections.tender = Tenderer(
                                   process, tender, event.admission_applied().provider_id());
                             });
      case v1::Event::kTenderAwarded:
        return TenderRelease(
            event, event.tender_awarded().tender_id(), "award",
            [&](Process& process, Tender tender, Sections& sections) {
              sections.tender = StatusOfTender(tender, "complete");
              sections.awards = Json::array();
              for (const std::string& bid_id : event.tender_awarded().bid_ids()) {
                for (const v1::BidRecord& bid : tender.bids()) {
                  if (bid.bid_id() != bid_id) continue;
                  Json award = AwardOfBid(process, tender, bid_id, "active", event,
                                          absl::StrCat(LotName(tender.lot()), " ", tender.year(),
                                                       ": ", ProviderName(bid.provider_id())),
                                          bid.provider_id());
                  award["value"] = ValueOf(bid.amount_cents());
                  sections.awards.push_back(std::move(award));
                }
              }
            });
      case v1::Event::kAwardNegotiated: {
        const v1::AwardNegotiated& negotiated = event.award_negotiated();
        return TenderRelease(
            event, negotiated.tender_id(), "awardUpdate",
            [&](Process&, Tender, Sections& sections) {
              sections.awards = Json::array(
                  {{{"id", negotiated.bid_id()},
                    {"value", ValueOf(negotiated.amount_cents())},
                    {"description",
                     absl::StrCat("Negotiated from ",
                                  FormatCents(negotiated.previous_amount_cents()), ": ",
                                  negotiated.reason())}}});
            });
      }
      case v1::Event::kApplicationAssessed: {
        // The assessment's notes stay out: only whether it admitted.
        const v1::ApplicationAssessed& assessed = event.application_assessed();
        return TenderRelease(
            event, assessed.tender_id(), "award",
            [&](Process& process, Tender tender, Sections& sections) {
              sections.awards = Json::array({AwardOfBid(
                  process, tender, assessed.application_id(),
                  assessed.admitted() ? "active" : "unsuccessful", event,
                  absl::StrCat("Admission of ", ProviderName(assessed.provider_id()), " to ",
                               LotName(tender.lot()), " ", tender.year()),
                  assessed.admitted() ? assessed.provider_id() : "")});
            });
      }
      case v1::Event::kAdmissionClosed:
        return TenderRelease(event, event.admission_closed().tender_id(), "tenderUpdate",
                             [&](Process&, Tender tender, Sections& sections) {
                               sections.tender = StatusOfTender(tender, "complete");
                               sections.tender["tenderPeriod"] = {
                                   {"endDate", DayEnd(event.admission_closed().closed_on())}};
                             });
      case v1::Event::kTenderCancelled:
        return TenderRelease(event, event.tender_cancelled().tender_id(), "tenderCancellation",
                             [&](Process&, Tender tender, Sections& sections) {
                               sections.tender = StatusOfTender(tender, "cancelled");
                             });
      case v1::Event::kContractSigned:
        return OnContractSigned(event);
      case v1::Event::kContractAmended: {
        const v1::ContractAmended& amended = event.contract_amended();
        std::vector<std::string> changes;
        for (const v1::MunicipalityCeiling& ceiling : amended.ceilings()) {
          changes.push_back(absl::StrCat(
              "ceiling of ", ceiling.municipality(),
              ceiling.year() == 0 ? "" : absl::StrCat(" in ", ceiling.year()), " set to ",
              FormatCents(ceiling.ceiling_cents())));
        }
        if (amended.replace_tariffs()) changes.push_back("tariffs replaced");
        if (!amended.term_end().empty()) {
          changes.push_back(absl::StrCat("term end set to ", amended.term_end()));
        }
        return OnAmendment(event, amended.contract_id(), amended.reason(),
                           absl::StrCat("Contract amended: ", absl::StrJoin(changes, "; ")));
      }
      case v1::Event::kContractExtended:
        return OnAmendment(event, event.contract_extended().contract_id(), "",
                           absl::StrCat("Term extended to ", event.contract_extended().term_end()));
      case v1::Event::kClientsTransferred: {
        // The receiving contract's ceiling grows by what the case moved;
        // who moved (the clients, even how many) stays out.
        const v1::ClientsTransferred& transfer = event.clients_transferred();
        const v1::ContinuityCaseRecord* continuity_case = Find(state.cases, transfer.case_id());
        const std::string municipality =
            continuity_case == nullptr ? "" : continuity_case->municipality();
        return OnAmendment(
            event, transfer.to_contract_id(),
            absl::StrCat("Continuity of care after the failure of the provider of contract ",
                         transfer.from_contract_id()),
            absl::StrCat("Ceiling", municipality.empty() ? "" : " of " + municipality,
                         " raised by ", FormatCents(transfer.ceiling_cents()),
                         " taken over from contract ", transfer.from_contract_id()));
      }
      case v1::Event::kContractSuspended: {
        const v1::ContractSuspended& suspended = event.contract_suspended();
        return OnContractStatus(event, suspended.contract_id(), "contractUpdate", nullptr,
                                absl::StrCat("Suspended from ", suspended.effective_on(), ": ",
                                             suspended.reason()));
      }
      case v1::Event::kContractResumed: {
        const v1::ContractResumed& resumed = event.contract_resumed();
        return OnContractStatus(event, resumed.contract_id(), "contractUpdate", nullptr,
                                absl::StrCat("Resumed on ", resumed.effective_on()));
      }
      case v1::Event::kContractTerminated: {
        const v1::ContractTerminated& terminated = event.contract_terminated();
        return OnContractStatus(event, terminated.contract_id(), "contractTermination",
                                "terminated",
                                absl::StrCat("Terminated from ", terminated.effective_on(), ": ",
                                             terminated.reason()));
      }
      case v1::Event::kContractExpired:
        return OnContractStatus(event, event.contract_expired().contract_id(),
                                "contractTermination", "terminated",
                                "Expired at the end of its term");
      case v1::Event::kPaymentRecorded: {
        const v1::PaymentRecorded& payment = event.payment_recorded();
        const v1::ClaimRecord* claim = Find(state.claims, payment.claim_id());
        if (claim == nullptr) break;
        return OnPayment(event, claim->contract_id(), claim->municipality(), claim->provider_id(),
                         payment.amount_cents(), payment.paid_on());
      }
      case v1::Event::kInstalmentPaid: {
        const v1::InstalmentPaid& paid = event.instalment_paid();
        return OnPayment(event, paid.contract_id(), paid.municipality(), paid.provider_id(),
                         paid.amount_cents(), paid.paid_on());
      }
      default:
        // Budgets, plans and purchase orders, claims, indicators, the
        // client's path, placements, registrations, keys, year close and
        // equalisation describe no contracting process (or carry personal
        // data): no release.
        break;
    }
    return std::vector<std::string>{};
  }

  Json PackageHead() const {
    Json package = Json::object();
    package["uri"] = options.uri.empty() ? absl::StrCat("urn:inkoop:ocds:", region) : options.uri;
    package["version"] = "1.1";
    package["extensions"] = Json::array({kLotsExtension});
    package["publishedDate"] =
        absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", options.published, absl::UTCTimeZone());
    package["publisher"] = {{"name", options.publisher}};
    return package;
  }
};

OcdsExport::OcdsExport(std::string region, OcdsOptions options)
    : processes_(std::make_unique<Processes>()) {
  processes_->region = std::move(region);
  processes_->options = std::move(options);
  processes_->state.region = processes_->region;
}

OcdsExport::~OcdsExport() = default;

absl::StatusOr<std::vector<std::string>> OcdsExport::Add(const v1::Event& event) {
  if (event.region() != processes_->region) return std::vector<std::string>{};
  RETURN_IF_ERROR(Evolve(processes_->state, event));
  const absl::Time occurred = absl::FromUnixSeconds(event.occurred_at().seconds()) +
                              absl::Nanoseconds(event.occurred_at().nanos());
  if (processes_->options.as_of.has_value() && occurred > *processes_->options.as_of) {
    return std::vector<std::string>{};
  }
  return processes_->Releases(event);
}

std::string OcdsExport::ReleasePackage() const {
  Json package = processes_->PackageHead();
  Json releases = Json::array();
  for (const auto& [ocid, index] : processes_->released) {
    releases.push_back(processes_->by_ocid.at(ocid).releases[index]);
  }
  package["releases"] = std::move(releases);
  return Dump(package, 2) + "\n";
}

std::string OcdsExport::RecordPackage() const {
  Json package = processes_->PackageHead();
  Json records = Json::array();
  for (const std::string& ocid : processes_->ocids) {
    const Process& process = processes_->by_ocid.at(ocid);
    const Json& last = process.releases.back();
    Json compiled = Json::object();
    compiled["ocid"] = ocid;
    compiled["id"] = absl::StrCat(ocid, "-", last["date"].get<std::string>());
    compiled["date"] = last["date"];
    compiled["tag"] = Json::array({"compiled"});
    for (const auto& [key, value] : process.compiled.items()) compiled[key] = value;
    Json versioned = Json::object();
    versioned["ocid"] = ocid;
    for (const auto& [key, value] : process.versioned.items()) versioned[key] = value;
    Json record = Json::object();
    record["ocid"] = ocid;
    record["releases"] = process.releases;
    record["compiledRelease"] = std::move(compiled);
    record["versionedRelease"] = std::move(versioned);
    records.push_back(std::move(record));
  }
  package["records"] = std::move(records);
  return Dump(package, 2) + "\n";
}

}  // namespace inkoop
