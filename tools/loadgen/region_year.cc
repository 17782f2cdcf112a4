#include "tools/loadgen/region_year.h"

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace inkoop {

namespace {

constexpr char kBureau[] = "inkoopbureau";
constexpr int kMunicipalities = 10;
constexpr int kLots = 6;
constexpr int kProducts = 2;
constexpr int kDenHaag = 1;
constexpr int kAmbulatory = 2;
constexpr int kSpecialist = 3;
// The engine refuses longer region ids (engine/command_handler.h).
constexpr size_t kMaxRegionBytes = 256;

struct MunicipalityProfile {
  const char* name;
  int64_t budget_euros;  // of the first year; EUR 198 mln in all
};

// In the order the framework lists them.
constexpr MunicipalityProfile kMunicipality[kMunicipalities] = {
    {"Delft", 17'200'000},           {"Den Haag", 105'400'000},
    {"Leidschendam-Voorburg", 11'500'000}, {"Midden-Delfland", 2'800'000},
    {"Pijnacker-Nootdorp", 8'200'000}, {"Rijswijk", 8'600'000},
    {"Voorschoten", 4'300'000},      {"Wassenaar", 4'000'000},
    {"Westland", 16'400'000},        {"Zoetermeer", 19'600'000}};

struct Product {
  const char* code;  // iJw product code
  v1::Unit unit;
  int64_t max_tariff_cents;
};

struct LotProfile {
  const char* code;
  const char* name;
  const char* prefix;       // of provider and tender ids
  const char* name_suffix;  // of provider names
  int plan_percent;         // of each municipality's money for care
  int client_percent;       // of the clients
  int providers;
  v1::TenderProcedure procedure;
  v1::FundingModel second_model;  // besides per_unit; unspecified = none
  Product products[kProducts];
};

constexpr LotProfile kLot[kLots] = {
    {"local", "Local policy, personal budgets, execution", "loc", "Lokaal", 15, 25, 12,
     v1::TENDER_PROCEDURE_OPEN_HOUSE, v1::FUNDING_MODEL_LUMP_SUM,
     {{"45A48", v1::UNIT_HOUR, 7'200}, {"45A49", v1::UNIT_PART_OF_DAY, 5'800}}},
    {"regional", "Regional public tasks", "reg", "Regio", 7, 8, 8,
     v1::TENDER_PROCEDURE_OPEN_HOUSE, v1::FUNDING_MODEL_LUMP_SUM,
     {{"47A01", v1::UNIT_DAY, 4'500}, {"47A02", v1::UNIT_HOUR, 9'800}}},
    {"ambulatory", "Ambulatory youth care", "amb", "Ambulant", 30, 46, 64,
     v1::TENDER_PROCEDURE_OPEN_HOUSE, v1::FUNDING_MODEL_UNSPECIFIED,
     {{"45A12", v1::UNIT_HOUR, 9'500}, {"45A13", v1::UNIT_HOUR, 11'000}}},
    {"specialist", "Specialist care", "spe", "Specialistisch", 26, 12, 40,
     v1::TENDER_PROCEDURE_COMPETITIVE, v1::FUNDING_MODEL_LUMP_SUM,
     {{"43A11", v1::UNIT_DAY, 28'000}, {"45A53", v1::UNIT_HOUR, 12'500}}},
    {"housing", "Housing and guidance", "hui", "Wonen", 18, 8, 26,
     v1::TENDER_PROCEDURE_OPEN_HOUSE, v1::FUNDING_MODEL_POPULATION,
     {{"43A21", v1::UNIT_DAY, 16'000}, {"43A22", v1::UNIT_PART_OF_DAY, 6'500}}},
    {"top", "Top-specialist (national)", "top", "Topzorg", 4, 1, 10,
     v1::TENDER_PROCEDURE_COMPETITIVE, v1::FUNDING_MODEL_UNSPECIFIED,
     {{"43A41", v1::UNIT_DAY, 65'000}, {"45A61", v1::UNIT_HOUR, 14'000}}},
};
constexpr int kProviders = 160;

constexpr int Sum(int LotProfile::*field) {
  int sum = 0;
  for (const LotProfile& lot : kLot) sum += lot.*field;
  return sum;
}
static_assert(Sum(&LotProfile::plan_percent) == 100 && Sum(&LotProfile::client_percent) == 100 &&
              Sum(&LotProfile::providers) == kProviders);

// Reservations, in percent of the budget.
constexpr std::pair<v1::ReservationKind, int> kReservations[] = {
    {v1::RESERVATION_KIND_PERSONAL_BUDGETS, 11},
    {v1::RESERVATION_KIND_EXECUTION_COSTS, 3},
    {v1::RESERVATION_KIND_NATIONAL_PROCUREMENT, 1}};

constexpr const char* kPriorities[] = {"early help close to home", "fewer residential placements",
                                       "shorter waiting lists", "care close to school"};
constexpr const char* kProviderForms[] = {"Stichting", "Zorggroep", "Jeugdzorg", "Praktijk",
                                          "Centrum"};
constexpr const char* kProviderNames[] = {
    "Horizon", "Kompas",    "De Brug", "Het Anker", "Duinzicht", "Vliethaven", "Hofstad",  "Linde",
    "Zeewind", "Groenoord", "Veenhof", "Kustlicht", "Het Baken", "Meander",    "Duinrand", "Wilg"};
constexpr const char* kGoalParts[] = {"goals reached", "problems reduced", "self-reliance",
                                      "participation"};

// Salts that keep the draws of different purposes apart.
enum Salt : uint64_t { kTariff = 1, kProvider, kProduct, kUnits, kPayment, kName, kIndicator };

// splitmix64's finalizer: a bijection on 64 bits.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t key, std::initializer_list<uint64_t> parts) {
  uint64_t h = key;
  for (uint64_t part : parts) h = Mix(h ^ part);
  return h;
}

// A number from [low, high].
int64_t Draw(uint64_t hash, int64_t low, int64_t high) {
  return low + static_cast<int64_t>(hash % static_cast<uint64_t>(high - low + 1));
}

uint64_t Year(int32_t year) { return static_cast<uint64_t>(year); }

// Unix seconds of the hour (UTC); a month beyond 12 runs into the next year.
int64_t At(int32_t year, int month, int day, int hour) {
  const absl::CivilSecond when(year, month, day, hour, 0, 0);
  return absl::ToUnixSeconds(absl::FromCivil(when, absl::UTCTimeZone()));
}

std::string Date(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

// Last day of the month `month` months after January of `year` (month 1 = January).
absl::CivilDay MonthEnd(int32_t year, int month) {
  return absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
}

int FirstProviderOf(int lot) {
  int first = 0;
  for (int l = 0; l < lot; ++l) first += kLot[l].providers;
  return first;
}

int LotOfProvider(int provider) {
  int lot = 0;
  while (lot + 1 < kLots && provider >= FirstProviderOf(lot + 1)) ++lot;
  return lot;
}

std::string ProviderId(int provider) {
  return absl::StrFormat("%s-%03d", kLot[LotOfProvider(provider)].prefix, provider + 1);
}

std::string TenderId(int lot, int32_t year) {
  return absl::StrCat(absl::AsciiStrToUpper(kLot[lot].prefix), "-", year);
}

// Product `product` of `lot` at `cents` (< 0: its maximum tariff).
v1::Tariff TariffOf(const LotProfile& lot, int product, int64_t cents) {
  v1::Tariff tariff;
  tariff.set_product_code(lot.products[product].code);
  tariff.set_unit(lot.products[product].unit);
  tariff.set_tariff_cents(cents < 0 ? lot.products[product].max_tariff_cents : cents);
  return tariff;
}

// The region's harmonised tariff of an open-house lot's product: 96% of its
// maximum, the same every year.
int64_t HarmonisedTariffCents(const LotProfile& lot, int product) {
  return lot.products[product].max_tariff_cents * 96 / 100;
}

bool IsAdmission(const LotProfile& lot) {
  return lot.procedure == v1::TENDER_PROCEDURE_OPEN_HOUSE;
}

// The quality requirements of an admission procedure.
constexpr const char* kRequirements[] = {"quality mark (HKZ or equivalent)",
                                         "registered professionals (SKJ or BIG)",
                                         "reference index participation"};

// The cheapest product of the lot.
int CheapestProduct(int lot) {
  return kLot[lot].products[1].max_tariff_cents < kLot[lot].products[0].max_tariff_cents ? 1 : 0;
}

// `target` cents a month buy at least one unit of `product` at any tariff
// up to its maximum, also at the lowest variation (80%).
bool Affords(int64_t target, int lot, int product) {
  return target * 4 >= kLot[lot].products[product].max_tariff_cents * 5;
}

}  // namespace

struct YearPlan {
  struct Contract {
    int provider;
    std::string id;
    std::string provider_id;
    int64_t tariff_cents[kProducts];
    int64_t ceiling_cents[kMunicipalities];
  };

  int32_t year = 0;
  int64_t budget[kMunicipalities] = {};
  int64_t reserved[kMunicipalities][std::size(kReservations)] = {};
  int64_t planned[kMunicipalities][kLots] = {};
  int64_t committed[kMunicipalities][kLots] = {};  // sum of the ceilings
  int64_t clients[kMunicipalities][kLots] = {};
  int64_t cell_end[kMunicipalities * kLots] = {};  // clients of cells 0..i, cell = m * kLots + l
  int64_t target[kMunicipalities][kLots] = {};     // money per client per month
  std::vector<Contract> contracts;                 // by provider
};

absl::StatusOr<std::unique_ptr<RegionYearProfile>> RegionYearProfile::Create(
    const RegionYearOptions& options) {
  if (options.region.empty() || options.region.size() > kMaxRegionBytes) {
    return absl::InvalidArgumentError(absl::StrCat("region: expected 1 to ", kMaxRegionBytes,
                                                   " bytes, got ", options.region.size()));
  }
  if (options.claims < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("claims: expected at least 1, got ", options.claims));
  }
  if (options.clients_per_year < 1 || options.clients_per_year > kMaxClientsPerYear) {
    return absl::InvalidArgumentError(absl::StrCat("clients_per_year: expected 1 to ",
                                                   kMaxClientsPerYear, ", got ",
                                                   options.clients_per_year));
  }
  if (options.first_year < 1971 || options.first_year > 9000) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_year: expected 1971 to 9000, got ", options.first_year));
  }
  const int64_t per_year = 12 * int64_t{options.clients_per_year};
  const int64_t years = (options.claims - 1) / per_year + 1;
  if (years > 9998 - options.first_year) {
    return absl::InvalidArgumentError(absl::StrCat(
        "claims: ", options.claims, " claims of ", options.clients_per_year,
        " clients a year take ", years, " years from ", options.first_year, ", beyond 9998"));
  }
  std::unique_ptr<RegionYearProfile> profile(new RegionYearProfile(options));
  profile->years_ = static_cast<int32_t>(years);
  std::unique_ptr<YearPlan> first = profile->MakePlan(options.first_year);
  // Budgets only grow, so what the first year affords every later year does.
  for (int m = 0; m < kMunicipalities; ++m) {
    for (int l = 0; l < kLots; ++l) {
      if (first->clients[m][l] > 0 && !Affords(first->target[m][l], l, CheapestProduct(l))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "clients_per_year: ", options.clients_per_year, " clients leave ",
            kMunicipality[m].name, " ", first->target[m][l], " cents a client a month on lot '",
            kLot[l].code, "', less than one unit of its cheapest product; use fewer clients"));
      }
    }
  }
  profile->ScheduleFramework();
  profile->ScheduleProcurement(*first);
  profile->plans_[options.first_year] = std::move(first);
  profile->SortSchedule();
  return profile;
}

RegionYearProfile::RegionYearProfile(const RegionYearOptions& options)
    : options_(options), year_(options.first_year) {
  uint64_t fnv = 0xcbf29ce484222325ULL;  // FNV-1a of the region id
  for (unsigned char c : options_.region) fnv = (fnv ^ c) * 0x100000001b3ULL;
  key_ = Mix(fnv ^ Mix(options_.seed));
  const auto clients = static_cast<uint64_t>(options_.clients_per_year);
  stride_ = clients == 1 ? 1 : 1 + key_ % (clients - 1);
  while (std::gcd(stride_, clients) != 1) ++stride_;
  scheduled_year_ = options_.first_year - 1;
}

RegionYearProfile::~RegionYearProfile() = default;

std::unique_ptr<YearPlan> RegionYearProfile::MakePlan(int32_t year) const {
  auto plan = std::make_unique<YearPlan>();
  plan->year = year;
  const int64_t age = year - options_.first_year;
  for (int m = 0; m < kMunicipalities; ++m) {
    // Indexed by 1.5% of the first year's budget a year.
    plan->budget[m] = kMunicipality[m].budget_euros * 100 / 1000 * (1000 + 15 * age);
    int64_t care = plan->budget[m];
    for (size_t r = 0; r < std::size(kReservations); ++r) {
      plan->reserved[m][r] = plan->budget[m] / 100 * kReservations[r].second;
      care -= plan->reserved[m][r];
    }
    int64_t rest = care;
    for (int l = 0; l < kLots - 1; ++l) {
      plan->planned[m][l] = care / 100 * kLot[l].plan_percent;
      rest -= plan->planned[m][l];
    }
    plan->planned[m][kLots - 1] = rest;
  }

  // Clients per (municipality, lot) in proportion to the first year's budget
  // and the lot's share of clients (rounded cumulatively, so they add up),
  // the same cells every year.
  const int64_t clients = options_.clients_per_year;
  int64_t total_weight = 0;
  for (const MunicipalityProfile& municipality : kMunicipality) {
    total_weight += municipality.budget_euros * 100;  // client percents add up to 100
  }
  int64_t weight = 0;
  for (int c = 0; c < kMunicipalities * kLots; ++c) {
    const int m = c / kLots, l = c % kLots;
    weight += kMunicipality[m].budget_euros * kLot[l].client_percent;
    plan->cell_end[c] = clients * weight / total_weight;
    plan->clients[m][l] = plan->cell_end[c] - (c == 0 ? 0 : plan->cell_end[c - 1]);
    // Three quarters of the plan is claimed on average; a claim varies by
    // 20% either way, so claims stay within 90% of the plan.
    if (plan->clients[m][l] > 0) {
      plan->target[m][l] = plan->planned[m][l] / 4 * 3 / (12 * plan->clients[m][l]);
    }
  }

  plan->contracts.resize(kProviders);
  for (int k = 0; k < kProviders; ++k) {
    YearPlan::Contract& contract = plan->contracts[k];
    contract.provider = k;
    contract.provider_id = ProviderId(k);
    contract.id = absl::StrCat(contract.provider_id, "-", year);
    for (int p = 0; p < kProducts; ++p) {
      const LotProfile& lot = kLot[LotOfProvider(k)];
      // Admitted providers work at the harmonised tariff; bidders bid theirs.
      const uint64_t h = Hash(key_, {kTariff, Year(year), Year(k), Year(p)});
      contract.tariff_cents[p] = IsAdmission(lot) ? HarmonisedTariffCents(lot, p)
                                                  : lot.products[p].max_tariff_cents *
                                                        Draw(h, 920, 1000) / 1000;
    }
    std::fill(std::begin(contract.ceiling_cents), std::end(contract.ceiling_cents), 0);
  }
  // Each ceiling is what its claims will add up to, plus 5%, in whole euros:
  // within 94.5% of the plan.
  for (int64_t client = 0; client < clients; ++client) {
    for (int month = 1; month <= 12; ++month) {
      const Claim claim = ClaimOf(*plan, client, month);
      plan->contracts[claim.contract].ceiling_cents[claim.municipality] += claim.amount_cents;
    }
  }
  for (YearPlan::Contract& contract : plan->contracts) {
    for (int m = 0; m < kMunicipalities; ++m) {
      int64_t& ceiling = contract.ceiling_cents[m];
      ceiling = (ceiling + ceiling / 20 + 99) / 100 * 100;
      plan->committed[m][LotOfProvider(contract.provider)] += ceiling;
    }
  }
  return plan;
}

RegionYearProfile::Claim RegionYearProfile::ClaimOf(const YearPlan& plan, int64_t client,
                                                    int month) const {
  const int cell = static_cast<int>(std::upper_bound(std::begin(plan.cell_end),
                                                     std::end(plan.cell_end), client) -
                                    std::begin(plan.cell_end));
  const int m = cell / kLots, l = cell % kLots;
  const auto id = static_cast<uint64_t>(client);
  Claim claim;
  claim.municipality = m;
  claim.contract =
      FirstProviderOf(l) + static_cast<int>(Hash(key_, {kProvider, id}) % kLot[l].providers);
  const int64_t target = plan.target[m][l];
  claim.product = static_cast<int>(Hash(key_, {kProduct, id}) % kProducts);
  if (!Affords(target, l, claim.product)) claim.product = CheapestProduct(l);
  const int64_t tariff = plan.contracts[claim.contract].tariff_cents[claim.product];
  const int64_t variation =
      Draw(Hash(key_, {kUnits, Year(plan.year), id, Year(month)}), 800, 1200);
  claim.units = target * variation / (1000 * tariff);
  claim.amount_cents = claim.units * tariff;
  return claim;
}

uint64_t RegionYearProfile::ClientAt(int64_t index) const {
  const auto clients = static_cast<uint64_t>(options_.clients_per_year);
  return (stride_ * static_cast<uint64_t>(index) + key_ % clients) % clients;
}

std::string RegionYearProfile::AssignmentId(uint64_t client, int32_t year) const {
  return absl::StrFormat("as-%016x-%04d", Mix(client ^ key_), year);
}

void RegionYearProfile::NextAssignment(v1::Command& command, int64_t at) {
  const uint64_t client = ClientAt(index_);
  const YearPlan& plan = *plans_.at(year_);
  const Claim first = ClaimOf(plan, static_cast<int64_t>(client), 1);
  const YearPlan::Contract& contract = plan.contracts[first.contract];
  int64_t volume = 0;
  for (int month = 1; month <= 12; ++month) {
    volume += ClaimOf(plan, static_cast<int64_t>(client), month).units;
  }
  command.Clear();
  Stamp(command, at, kMunicipality[first.municipality].name, v1::ROLE_MUNICIPALITY);
  v1::AssignCare& assign = *command.mutable_assign_care();
  assign.set_assignment_id(AssignmentId(client, year_));
  assign.set_contract_id(contract.id);
  assign.set_municipality(kMunicipality[first.municipality].name);
  assign.set_client(absl::StrFormat("cl-%016x", Mix(client ^ key_)));
  assign.set_product_code(kLot[LotOfProvider(contract.provider)].products[first.product].code);
  assign.set_volume(volume);
  assign.set_period_start(Date(absl::CivilDay(year_, 1, 1)));
  assign.set_period_end(Date(absl::CivilDay(year_, 12, 31)));
  path_step_ = 1;
}

void RegionYearProfile::NextStart(v1::Command& command, int64_t at) {
  const uint64_t client = ClientAt(index_);
  const YearPlan& plan = *plans_.at(year_);
  const Claim first = ClaimOf(plan, static_cast<int64_t>(client), 1);
  command.Clear();
  Stamp(command, at, plan.contracts[first.contract].provider_id, v1::ROLE_PROVIDER);
  v1::StartCare& start = *command.mutable_start_care();
  start.set_assignment_id(AssignmentId(client, year_));
  start.set_start_date(Date(absl::CivilDay(year_, 1, 1)));
  path_step_ = 2;
}

std::string RegionYearProfile::ClaimId(uint64_t client, int32_t year, int month) const {
  // The client's pseudonym: Mix is a bijection, so clients never share one.
  return absl::StrFormat("cl-%016x-%04d-%02d", Mix(client ^ key_), year, month);
}

v1::Command& RegionYearProfile::Add(int64_t at, const std::string& actor, v1::Role role) {
  schedule_.push_back(Scheduled{at, v1::Command()});
  Stamp(schedule_.back().command, at, actor, role);
  return schedule_.back().command;
}

void RegionYearProfile::SortSchedule() {
  std::stable_sort(schedule_.begin(), schedule_.end(),
                   [](const Scheduled& a, const Scheduled& b) { return a.at < b.at; });
}

void RegionYearProfile::Stamp(v1::Command& command, int64_t at, const std::string& actor,
                              v1::Role role) const {
  command.set_region(options_.region);
  command.mutable_actor()->set_id(actor);
  command.mutable_actor()->set_role(role);
  command.mutable_occurred_at()->set_seconds(at);
}

void RegionYearProfile::ScheduleFramework() {
  const int32_t before = options_.first_year - 1;
  const int32_t last = options_.first_year + std::max(years_, 2) - 1;
  v1::AdoptFramework& framework =
      *Add(At(before, 3, 2, 9), kBureau, v1::ROLE_BUREAU).mutable_adopt_framework();
  framework.set_framework_id(absl::StrCat("H10-", options_.first_year, "-", last));
  framework.mutable_equalisation()->set_key(v1::EQUALISATION_KEY_BUDGET);
  for (const MunicipalityProfile& municipality : kMunicipality) {
    framework.add_municipalities(municipality.name);
  }
  for (const LotProfile& lot : kLot) {
    framework.add_lots()->set_code(lot.code);
    framework.mutable_lots()->rbegin()->set_name(lot.name);
    v1::LotRules& rules = *framework.add_lot_rules();
    rules.set_lot(lot.code);
    rules.add_funding_models(v1::FUNDING_MODEL_PER_UNIT);
    if (lot.second_model != v1::FUNDING_MODEL_UNSPECIFIED) {
      rules.add_funding_models(lot.second_model);
    }
    for (int p = 0; p < kProducts; ++p) {
      *rules.add_max_tariffs() = TariffOf(lot, p, -1);
      if (IsAdmission(lot)) {
        *rules.add_harmonised_tariffs() = TariffOf(lot, p, HarmonisedTariffCents(lot, p));
      }
    }
  }
  framework.set_period_start(Date(absl::CivilDay(options_.first_year, 1, 1)));
  framework.set_period_end(Date(absl::CivilDay(last, 12, 31)));
  for (const char* indicator : {"drop-out", "satisfaction", "goal attainment"}) {
    framework.add_quality_indicators(indicator);
  }
  for (int k = 0; k < kProviders; ++k) {
    const uint64_t h = Hash(key_, {kName, Year(k)});
    v1::RegisterProvider& provider =
        *Add(At(before, 4, 1, 9) + k * 600, kBureau, v1::ROLE_BUREAU).mutable_register_provider();
    provider.set_provider_id(ProviderId(k));
    provider.set_name(absl::StrCat(kProviderForms[h % std::size(kProviderForms)], " ",
                                   kProviderNames[(h >> 8) % std::size(kProviderNames)], " ",
                                   kLot[LotOfProvider(k)].name_suffix));
    provider.set_chamber_of_commerce_number(
        absl::StrFormat("%08d", Draw(h >> 16, 10'000'000, 99'999'999)));
  }
}

void RegionYearProfile::ScheduleProcurement(const YearPlan& plan) {
  const int32_t year = plan.year;
  const int32_t before = year - 1;
  for (int m = 0; m < kMunicipalities; ++m) {
    const std::string name = kMunicipality[m].name;
    v1::SetBudget& budget =
        *Add(At(before, 6, 2, 9) + m * 1800, name, v1::ROLE_MUNICIPALITY).mutable_set_budget();
    budget.set_municipality(name);
    budget.set_year(year);
    budget.set_source(v1::BUDGET_SOURCE_MAY_CIRCULAR);
    budget.set_amount_cents(plan.budget[m]);

    v1::ReserveLocalParts& parts = *Add(At(before, 7, 1, 9) + m * 600, name, v1::ROLE_MUNICIPALITY)
                                        .mutable_reserve_local_parts();
    parts.set_municipality(name);
    parts.set_year(year);
    for (size_t r = 0; r < std::size(kReservations); ++r) {
      parts.add_reservations()->set_kind(kReservations[r].first);
      parts.mutable_reservations()->rbegin()->set_amount_cents(plan.reserved[m][r]);
    }

    v1::SubmitLocalPlan& local = *Add(At(before, 7, 1, 14) + m * 600, name, v1::ROLE_MUNICIPALITY)
                                      .mutable_submit_local_plan();
    local.set_municipality(name);
    local.set_year(year);
    for (int l = 0; l < kLots; ++l) {
      local.add_lots()->set_lot(kLot[l].code);
      local.mutable_lots()->rbegin()->set_amount_cents(plan.planned[m][l]);
    }
    local.add_priorities(kPriorities[(m + year) % std::size(kPriorities)]);
    local.add_priorities(kPriorities[(m + year + 1) % std::size(kPriorities)]);
  }
  Add(At(before, 7, 15, 10), kBureau, v1::ROLE_BUREAU)
      .mutable_issue_purchase_order()
      ->set_year(year);

  // Tenders and admission procedures on 10 August; bids until 1 October,
  // awarded on 15 October; applications assessed from 15 October.
  for (int l = 0; l < kLots; ++l) {
    v1::PublishTender& tender =
        *Add(At(before, 8, 10, 10) + l * 600, kBureau, v1::ROLE_BUREAU).mutable_publish_tender();
    tender.set_tender_id(TenderId(l, year));
    tender.set_lot(kLot[l].code);
    tender.set_year(year);
    tender.set_procedure(kLot[l].procedure);
    tender.set_funding_model(v1::FUNDING_MODEL_PER_UNIT);
    int64_t ordered = 0;
    for (int m = 0; m < kMunicipalities; ++m) ordered += plan.planned[m][l];
    tender.set_ceiling_cents(ordered);
    tender.set_deadline(Date(absl::CivilDay(before, 10, 1)));
    if (IsAdmission(kLot[l])) {
      for (const char* requirement : kRequirements) tender.add_requirements(requirement);
      continue;
    }

    v1::AwardTender& award =
        *Add(At(before, 10, 15, 10) + l * 600, kBureau, v1::ROLE_BUREAU).mutable_award_tender();
    award.set_tender_id(TenderId(l, year));
    for (int k = FirstProviderOf(l); k < FirstProviderOf(l) + kLot[l].providers; ++k) {
      award.add_bid_ids(absl::StrCat("bid-", plan.contracts[k].id));
    }
  }
  // Each provider bids (11 August to 30 September) what its contract will
  // commit, or applies for admission and is assessed from 15 October;
  // contracts are signed from 2 November.
  for (const YearPlan::Contract& contract : plan.contracts) {
    const int lot = LotOfProvider(contract.provider);
    const std::string bid_id = absl::StrCat("bid-", contract.id);
    const int64_t applied = At(before, 8, 11, 10) + contract.provider * 27'000;
    if (IsAdmission(kLot[lot])) {
      v1::ApplyForAdmission& apply =
          *Add(applied, contract.provider_id, v1::ROLE_PROVIDER).mutable_apply_for_admission();
      apply.set_tender_id(TenderId(lot, year));
      apply.set_application_id(bid_id);
      apply.set_provider_id(contract.provider_id);
      v1::AssessApplication& assess =
          *Add(At(before, 10, 15, 10) + contract.provider * 600, kBureau, v1::ROLE_BUREAU)
               .mutable_assess_application();
      assess.set_tender_id(TenderId(lot, year));
      assess.set_application_id(bid_id);
      for (const char* requirement : kRequirements) {
        assess.add_assessments()->set_requirement(requirement);
        assess.mutable_assessments()->rbegin()->set_met(true);
      }
    } else {
      int64_t volume = 0;
      for (int64_t ceiling : contract.ceiling_cents) volume += ceiling;
      v1::SubmitBid& bid =
          *Add(applied, contract.provider_id, v1::ROLE_PROVIDER).mutable_submit_bid();
      bid.set_tender_id(TenderId(lot, year));
      bid.set_bid_id(bid_id);
      bid.set_provider_id(contract.provider_id);
      bid.set_amount_cents(volume);
      for (int p = 0; p < kProducts; ++p) {
        *bid.add_tariffs() = TariffOf(kLot[lot], p, contract.tariff_cents[p]);
      }
    }

    v1::SignContract& sign = *Add(At(before, 11, 2, 9) + contract.provider * 9'000, kBureau,
                                  v1::ROLE_BUREAU)
                                  .mutable_sign_contract();
    sign.set_contract_id(contract.id);
    sign.set_provider_id(contract.provider_id);
    sign.set_lot(kLot[lot].code);
    sign.set_tender_id(TenderId(lot, year));
    sign.set_bid_id(bid_id);
    sign.set_funding_model(v1::FUNDING_MODEL_PER_UNIT);
    sign.set_term_start(Date(absl::CivilDay(year, 1, 1)));
    sign.set_term_end(Date(absl::CivilDay(year, 12, 31)));
    for (int m = 0; m < kMunicipalities; ++m) {
      if (contract.ceiling_cents[m] == 0) continue;
      sign.add_ceilings()->set_municipality(kMunicipality[m].name);
      sign.mutable_ceilings()->rbegin()->set_ceiling_cents(contract.ceiling_cents[m]);
    }
    if (sign.ceilings().empty()) {  // no clients this year: a contract to stand by
      sign.add_ceilings()->set_municipality(kMunicipality[kDenHaag].name);
    }
    for (int p = 0; p < kProducts; ++p) {
      *sign.add_tariffs() = TariffOf(kLot[lot], p, contract.tariff_cents[p]);
    }
  }
}

void RegionYearProfile::ScheduleYear(int32_t year) {
  const YearPlan& plan = *plans_.at(year);
  // Quarterly indicators, reported in the month after the quarter.
  for (int quarter = 0; quarter < 4; ++quarter) {
    for (const YearPlan::Contract& contract : plan.contracts) {
      const uint64_t h =
          Hash(key_, {kIndicator, Year(year), Year(contract.provider), Year(quarter)});
      v1::ReportIndicator& report = *Add(At(year, 3 * quarter + 4, 25, 12) + contract.provider * 60,
                                         contract.provider_id, v1::ROLE_PROVIDER)
                                         .mutable_report_indicator();
      report.set_provider_id(contract.provider_id);
      report.set_contract_id(contract.id);
      report.set_period_start(Date(absl::CivilDay(year, 3 * quarter + 1, 1)));
      report.set_period_end(Date(MonthEnd(year, 3 * quarter + 3)));
      report.set_level(v1::INDICATOR_LEVEL_CASE);
      report.set_count(static_cast<int64_t>(Draw(Mix(h + 7), 20, 400)));
      report.set_indicator(quarter == 1   ? v1::INDICATOR_DROP_OUT
                           : quarter == 3 ? v1::INDICATOR_GOAL_ATTAINMENT
                                          : v1::INDICATOR_SATISFACTION);
      report.set_value_permille(static_cast<int32_t>(quarter == 1 ? Draw(h, 20, 120)
                                                     : quarter == 3 ? Draw(h, 600, 850)
                                                                    : Draw(h, 750, 950)));
      for (size_t i = 0; quarter == 3 && i < std::size(kGoalParts); ++i) {
        v1::SubIndicator& sub = *report.add_sub_indicators();
        sub.set_name(kGoalParts[i]);
        sub.set_value_permille(static_cast<int32_t>(Draw(Mix(h + i + 1), 550, 900)));
      }
    }
  }
  // In September each municipality moves half its uncommitted specialist
  // money to ambulatory care.
  for (int m = 0; m < kMunicipalities; ++m) {
    const int64_t uncommitted = plan.planned[m][kSpecialist] - plan.committed[m][kSpecialist];
    if (uncommitted / 2 / 100 * 100 <= 0) continue;
    v1::ShiftBudget& shift = *Add(At(year, 9, 15, 11) + m * 600, kMunicipality[m].name,
                                  v1::ROLE_MUNICIPALITY)
                                  .mutable_shift_budget();
    shift.set_municipality(kMunicipality[m].name);
    shift.set_year(year);
    shift.set_from_lot(kLot[kSpecialist].code);
    shift.set_to_lot(kLot[kAmbulatory].code);
    shift.set_amount_cents(uncommitted / 2 / 100 * 100);
    shift.set_reason("waiting lists for ambulatory care");
  }
  if (options_.claims > (year - options_.first_year + 1) * claims_per_year()) {
    std::unique_ptr<YearPlan> next = MakePlan(year + 1);
    ScheduleProcurement(*next);
    plans_[year + 1] = std::move(next);
  }
  // Early next year: the contracts expire, each municipality closes the
  // year, the bureau equalises risk.
  for (const YearPlan::Contract& contract : plan.contracts) {
    Add(At(year + 1, 2, 25, 9) + contract.provider * 60, kBureau, v1::ROLE_BUREAU)
        .mutable_expire_contract()
        ->set_contract_id(contract.id);
  }
  for (int m = 0; m < kMunicipalities; ++m) {
    v1::CloseYear& close = *Add(At(year + 1, 3, 1, 9) + m * 600, kMunicipality[m].name,
                                v1::ROLE_MUNICIPALITY)
                                .mutable_close_year();
    close.set_municipality(kMunicipality[m].name);
    close.set_year(year);
  }
  // The engine shares the year's cost by the framework's budget key.
  Add(At(year + 1, 3, 15, 10), kBureau, v1::ROLE_BUREAU).mutable_equalise_risk()->set_year(year);
  SortSchedule();
}

int64_t RegionYearProfile::ClaimAt() const {
  // Claims of a month are recorded over the first 20 days of the next.
  const int64_t spacing = 20 * 86'400 / options_.clients_per_year;
  return At(year_, month_ + 1, 1, 0) + index_ * spacing;
}

bool RegionYearProfile::Next(v1::Command& command) {
  if (claims_ >= options_.claims) return false;
  if (year_ > scheduled_year_) {
    ScheduleYear(year_);
    scheduled_year_ = year_;
  }
  const int64_t at = ClaimAt();
  if (!schedule_.empty() && schedule_.front().at <= at) {
    command = std::move(schedule_.front().command);
    schedule_.pop_front();
  } else if (payment_checked_ || !NextPayment(command, at)) {
    if (month_ == 1 && path_step_ == 0) {
      NextAssignment(command, at);
    } else if (month_ == 1 && path_step_ == 1) {
      NextStart(command, at);
    } else {
      NextClaim(command, at);
    }
  }
  Emit(command);
  return true;
}

bool RegionYearProfile::NextPayment(v1::Command& command, int64_t at) {
  // About one claim in ten is paid, a month after it was recorded, just
  // before its client's next claim.
  payment_checked_ = true;
  int32_t year = year_;
  int month = month_ - 1;
  if (month == 0) {
    --year;
    month = 12;
  }
  const uint64_t client = ClientAt(index_);
  if (Hash(key_, {kPayment, Year(year), client, Year(month)}) % 10 != 0) return false;
  auto plan = plans_.find(year);
  if (plan == plans_.end()) return false;  // before the first year
  const Claim claim = ClaimOf(*plan->second, static_cast<int64_t>(client), month);
  command.Clear();
  Stamp(command, at, kMunicipality[claim.municipality].name, v1::ROLE_MUNICIPALITY);
  v1::RecordPayment& payment = *command.mutable_record_payment();
  payment.set_claim_id(ClaimId(client, year, month));
  payment.set_amount_cents(claim.amount_cents);
  payment.set_paid_on(Date(absl::ToCivilDay(absl::FromUnixSeconds(at), absl::UTCTimeZone())));
  return true;
}

void RegionYearProfile::NextClaim(v1::Command& command, int64_t at) {
  const uint64_t client = ClientAt(index_);
  const YearPlan& plan = *plans_.at(year_);
  const Claim claim = ClaimOf(plan, static_cast<int64_t>(client), month_);
  const YearPlan::Contract& contract = plan.contracts[claim.contract];
  command.Clear();
  Stamp(command, at, contract.provider_id, v1::ROLE_PROVIDER);
  v1::RecordClaim& record = *command.mutable_record_claim();
  record.set_claim_id(ClaimId(client, year_, month_));
  record.set_contract_id(contract.id);
  record.set_municipality(kMunicipality[claim.municipality].name);
  record.set_period_start(Date(absl::CivilDay(year_, month_, 1)));
  record.set_period_end(Date(MonthEnd(year_, month_)));
  record.set_product_code(kLot[LotOfProvider(contract.provider)].products[claim.product].code);
  record.set_units(claim.units);
  record.set_amount_cents(claim.amount_cents);
  record.set_assignment_id(AssignmentId(client, year_));
  ++claims_;
  payment_checked_ = false;
  path_step_ = 0;
  if (++index_ < options_.clients_per_year) return;
  index_ = 0;
  if (++month_ <= 12) return;
  month_ = 1;
  ++year_;
  // December's claims of the year before are still paid in January's slot.
  plans_.erase(plans_.begin(), plans_.lower_bound(year_ - 1));
}

void RegionYearProfile::Emit(v1::Command& command) {
  command.set_command_id(absl::StrCat(options_.region, "-", ++sequence_));
}

}  // namespace inkoop
