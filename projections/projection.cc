#include "projections/projection.h"

#include "absl/container/btree_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/decide.h"
#include "engine/envelope.h"
#include "engine/log.h"
#include "engine/status_macros.h"
#include "engine/store/keys.h"
#include "inkoop/v1/views.pb.h"
#include "projections/keys.h"
#include "projections/views.h"

namespace inkoop {

// The projection's admitted chain: the head from the region state, earlier
// hashes from the chain family.
class Projection::Chain : public ChainView {
 public:
  explicit Chain(Projection* projection) : projection_(projection) {}
  absl::StatusOr<std::pair<uint64_t, std::string>> Head(const std::string& region) override {
    ASSIGN_OR_RETURN(RegionState * state, projection_->cache_->Region(region));
    return std::pair<uint64_t, std::string>(state->sequence.value(), state->last_hash);
  }
  absl::StatusOr<std::optional<std::string>> HashAt(const std::string& region,
                                                    uint64_t sequence) override {
    ASSIGN_OR_RETURN(RegionState * state, projection_->cache_->Region(region));
    return projection_->HeldHash(*state, sequence);
  }

 private:
  Projection* projection_;
};

absl::StatusOr<std::unique_ptr<Projection>> Projection::Open(const std::string& path,
                                                             const ProjectionOptions& options) {
  std::unique_ptr<Projection> projection(new Projection());
  StoreOptions store_options;
  store_options.path = path;
  store_options.extra_families = ProjectionFamilies();
  store_options.sync = options.sync;
  store_options.disable_wal = options.disable_wal;
  // A projection follows from the log: one this build cannot use is rebuilt.
  store_options.recreate_if_unusable = true;
  ASSIGN_OR_RETURN(projection->store_, StateStore::Open(store_options));
  if (!projection->store_->recreated_because().empty()) {
    LogWarning(absl::StrCat("projection database recreated, rebuilding from offset 0: ",
                            projection->store_->recreated_because()));
  }
  projection->cache_ = std::make_unique<RegionCache>(projection->store_.get(), options.cache_bytes);
  projection->batch_ = std::make_unique<StoreBatch>(*projection->store_);
  projection->options_ = options;
  projection->admission_ = std::make_unique<Admission>(options.keys);
  projection->chain_view_ = std::make_unique<Chain>(projection.get());
  RETURN_IF_ERROR(projection->store_->Scan(
      kMetaFamily, kHeldPrefix, [&](absl::string_view, absl::string_view value) {
        return projection->admission_->Restore(value);
      }));

  auto stored = [&](const char* name) -> absl::StatusOr<uint64_t> {
    ASSIGN_OR_RETURN(std::optional<std::string> value,
                     projection->store_->Get(kMetaFamily, MetricKey(name)));
    return value.has_value() ? DecodeBigEndian64(*value) : 0;
  };
  ASSIGN_OR_RETURN(projection->stored_.parked, stored("parked"));
  ASSIGN_OR_RETURN(projection->stored_.applied, stored("applied"));
  ASSIGN_OR_RETURN(projection->stored_.skipped_duplicates, stored("skipped_duplicates"));
  ASSIGN_OR_RETURN(projection->stored_.conflicts, stored("conflicts"));
  ASSIGN_OR_RETURN(projection->stored_bytes_written_, stored("bytes_written"));
  return projection;
}

Projection::~Projection() = default;

absl::StatusOr<Offset> Projection::ResumeOffset(const std::string& topic, int32_t partition) {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   store_->Get(kMetaFamily, OffsetKey(topic, partition)));
  if (!value.has_value()) return Offset(0);
  return Offset(static_cast<int64_t>(DecodeBigEndian64(*value)));
}

absl::StatusOr<const RegionState*> Projection::Region(const std::string& region) {
  ASSIGN_OR_RETURN(RegionState * state, cache_->Region(region));
  return state;
}

void Projection::Park(const std::string& topic, int32_t partition, Offset offset,
                      absl::string_view value, absl::string_view reason, const std::string& region,
                      uint64_t sequence) {
  v1::ParkedEvent parked;
  parked.set_topic(topic);
  parked.set_partition(partition);
  parked.set_offset(offset.value());
  parked.set_reason(std::string(reason));
  parked.set_value(std::string(value));
  parked.set_region(region);
  parked.set_sequence(sequence);
  batch_->Put(kParked, ParkedKey(topic, partition, offset.value()), parked.SerializeAsString());
  ++counters_.parked;
  if (options_.on_park) options_.on_park(parked, absl::StartsWith(reason, "conflict"));
}

absl::Status Projection::Apply(const std::string& topic, int32_t partition, Offset offset,
                               absl::string_view value) {
  next_offsets_[{topic, partition}] = offset.value() + 1;
  std::vector<Decision> decisions;
  RETURN_IF_ERROR(
      admission_->Offer(RecordAt{topic, partition, offset.value()}, value, *chain_view_, decisions));
  for (const Decision& decision : decisions) {
    const Arrival& arrival = decision.arrival;
    switch (decision.verdict) {
      case Decision::Verdict::kDuplicate:
        ++counters_.skipped_duplicates;
        break;
      case Decision::Verdict::kPark: {
        const v1::Event& event = arrival.read.event;
        if (decision.conflict) {
          LogError(absl::StrCat(arrival.at.ToString(), ": ", decision.reason));
          ++counters_.conflicts;
        }
        Park(arrival.at.topic, arrival.at.partition, Offset(arrival.at.offset), arrival.value,
             decision.reason, event.region().size() > 0xffff ? std::string() : event.region(),
             event.sequence());
        break;
      }
      case Decision::Verdict::kAdmit:
        RETURN_IF_ERROR(Admit(decision));
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status Projection::Admit(const Decision& decision) {
  const Arrival& arrival = decision.arrival;
  const v1::Event& event = arrival.read.event;
  const Offset offset(arrival.at.offset);
  if (options_.beyond_end) {
    if (ended_.contains(event.region())) return absl::OkStatus();
    if (options_.beyond_end(event)) {
      ended_.insert(event.region());
      return absl::OkStatus();
    }
  }
  if (arrival.read.is_signed()) {
    v1::SignedCheckpoint checkpoint;
    checkpoint.set_region(event.region());
    checkpoint.set_sequence(event.sequence());
    checkpoint.set_hash(event.hash());
    *checkpoint.mutable_recorded_at() = event.recorded_at();
    checkpoint.set_key_id(arrival.read.key_id);
    checkpoint.set_signature(arrival.read.signature);
    batch_->Put(kMetaFamily, CheckpointKey(event.region()), checkpoint.SerializeAsString());
  }
  ASSIGN_OR_RETURN(RegionState * state, cache_->Region(event.region()));
  RETURN_IF_ERROR(cache_->Prefetch(*state, event));
  absl::Status applied = Evolve(*state, event);
  if (absl::IsDataLoss(applied)) {
    // A payload from a newer schema: keep the chain going without it.
    Park(arrival.at.topic, arrival.at.partition, offset, arrival.value, applied.message(),
         event.region(), event.sequence());
    RETURN_IF_ERROR(AdvanceChain(*state, event));
    KeepHash(event);
  } else if (!applied.ok()) {
    Park(arrival.at.topic, arrival.at.partition, offset, arrival.value, applied.message(),
         event.region(), event.sequence());
  } else {
    ++counters_.applied;
    KeepHash(event);
    if (event.has_framework_adopted() || event.has_framework_amended()) {
      all_budgets_[event.region()] = true;  // lot lines of every view may change
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> Projection::HeldHash(const RegionState& state,
                                                                uint64_t sequence) {
  if (sequence == state.sequence.value()) return state.last_hash;
  const std::string key = ChainKey(state.region, sequence);
  if (auto kept = chain_.find(key); kept != chain_.end()) return kept->second;
  return store_->Get(kChain, key);
}

void Projection::KeepHash(const v1::Event& event) {
  std::string key = ChainKey(event.region(), event.sequence());
  batch_->Put(kChain, key, event.hash());
  chain_[std::move(key)] = event.hash();
}

namespace {

// The index entries of `contract` (keys.h).
absl::btree_set<std::string> IndexEntries(const std::string& region,
                                          const v1::ContractRecord& contract) {
  absl::btree_set<std::string> entries;
  auto add = [&](ContractIndex dimension, absl::string_view value) {
    entries.insert(absl::StrCat(ContractIndexPrefix(region, dimension, value),
                                contract.contract_id()));
  };
  add(ContractIndex::kProvider, contract.provider_id());
  add(ContractIndex::kLot, contract.lot());
  add(ContractIndex::kStatus, absl::StrCat(static_cast<int>(contract.status())));
  for (const v1::MunicipalityCeiling& ceiling : contract.ceilings()) {
    add(ContractIndex::kMunicipality, ceiling.municipality());
  }
  return entries;
}

}  // namespace

absl::Status Projection::StageContractIndex(const RegionState& state) {
  // Each contract changed since the last batch against its stored record:
  // only the entries that differ are written.
  for (const std::string& id : state.contracts.dirty()) {
    absl::btree_set<std::string> before, after;
    ASSIGN_OR_RETURN(std::optional<std::string> stored,
                     store_->Get(kStateFamily, EntityKey(state.region, EntityKind::kContract, id)));
    if (stored.has_value()) {
      v1::ContractRecord old;
      if (!old.ParseFromString(*stored)) {
        return absl::DataLossError(absl::StrCat("contract '", id, "' of region '", state.region,
                                                "' does not parse in the projection database"));
      }
      before = IndexEntries(state.region, old);
    }
    if (auto it = state.contracts.find(id); it != state.contracts.end()) {
      after = IndexEntries(state.region, it->second);
    }
    for (const std::string& entry : before) {
      if (!after.contains(entry)) batch_->Delete(kIndex, entry);
    }
    for (const std::string& entry : after) {
      if (!before.contains(entry)) batch_->Put(kIndex, entry, "");
    }
  }
  return absl::OkStatus();
}

absl::Status Projection::Commit() {
  if (next_offsets_.empty()) return absl::OkStatus();
  // Views first: they are made from what changed, which staging clears.
  for (const auto& [name, state] : cache_->regions()) {
    auto all = all_budgets_.find(name);
    for (const auto& [municipality, year] :
         ChangedBudgets(state, all != all_budgets_.end() && all->second)) {
      batch_->Put(kBudgets, BudgetKey(name, municipality, year),
                  MakeBudgetView(state, municipality, year).SerializeAsString());
    }
  }
  for (const auto& [name, state] : cache_->regions()) RETURN_IF_ERROR(StageContractIndex(state));
  cache_->Stage(*batch_);
  admission_->Stage(
      [&](const std::string& key, const std::string& value) {
        batch_->Put(kMetaFamily, HeldKey(key), value);
      },
      [&](const std::string& key) { batch_->Delete(kMetaFamily, HeldKey(key)); });
  for (const auto& [topic_partition, offset] : next_offsets_) {
    batch_->Put(kMetaFamily, OffsetKey(topic_partition.first, topic_partition.second),
                EncodeBigEndian64(static_cast<uint64_t>(offset)));
  }
  // Running totals over the database's life: an event delivered twice would
  // show as a skipped duplicate, one applied twice as applied > events.
  batch_->Put(kMetaFamily, MetricKey("parked"),
              EncodeBigEndian64(stored_.parked + counters_.parked));
  batch_->Put(kMetaFamily, MetricKey("applied"),
              EncodeBigEndian64(stored_.applied + counters_.applied));
  batch_->Put(kMetaFamily, MetricKey("skipped_duplicates"),
              EncodeBigEndian64(stored_.skipped_duplicates + counters_.skipped_duplicates));
  batch_->Put(kMetaFamily, MetricKey("conflicts"),
              EncodeBigEndian64(stored_.conflicts + counters_.conflicts));
  // Bytes of keys and values written, this batch included (its own metric
  // keys excepted): what a batch costs on disk, for benchmarks and ops.
  batch_->Put(kMetaFamily, MetricKey("bytes_written"),
              EncodeBigEndian64(stored_bytes_written_ + store_->bytes_written() + batch_->bytes()));
  absl::Status written = store_->Write(*batch_);
  if (written.ok()) {
    cache_->Written();
  } else {
    // What is cached may now be ahead of what is stored: forget it, so it is
    // read again from the store.
    cache_->Discard();
  }
  all_budgets_.clear();
  next_offsets_.clear();
  chain_.clear();
  ++counters_.commits;
  return written;
}

}  // namespace inkoop
