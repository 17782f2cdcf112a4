#include "engine/admission.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "inkoop/v1/views.pb.h"

namespace inkoop {
namespace {

std::string Short(const std::string& hash) {
  return absl::BytesToHexString(hash).substr(0, 16);
}

std::string Name(const v1::Event& event) {
  return absl::StrCat(event.region(), "/", event.sequence());
}

}  // namespace

std::string RecordAt::ToString() const { return absl::StrCat(topic, "/", partition, "@", offset); }

Admission::Admission(KeyRing keys, AdmissionLimits limits)
    : keys_(std::move(keys)), limits_(limits) {}

std::string Admission::HeldKey(const std::string& region, const std::string& hash) {
  std::string key;
  key.push_back(static_cast<char>((region.size() >> 8) & 0xff));
  key.push_back(static_cast<char>(region.size() & 0xff));
  return absl::StrCat(key, region, hash);
}

std::string Admission::BrokenLink(const v1::Event& event, const Region& region, uint64_t head,
                                  const std::string& head_hash) const {
  const uint64_t sequence = event.sequence();
  if (sequence == head + 1) {
    if (event.previous_hash() == head_hash) return "";
    return absl::StrCat("event ", Name(event), ": previous_hash ", Short(event.previous_hash()),
                        " is not the hash of ", event.region(), "/", head, " (",
                        head == 0 ? "none, it is the first" : Short(head_hash),
                        "): that event was changed, or this one is forged");
  }
  auto previous = region.by_hash.find(event.previous_hash());
  if (previous != region.by_hash.end() && previous->second.read.event.sequence() == sequence - 1) {
    return "";
  }
  return absl::StrCat("event ", Name(event), " arrived while region '", event.region(),
                      "' is at sequence ", head, " and no event read at sequence ", sequence - 1,
                      " has its previous_hash ", Short(event.previous_hash()), ": ",
                      event.region(), "/", sequence - 1,
                      " was removed, changed or comes later, or this event is forged");
}

void Admission::Hold(Arrival arrival) {
  const std::string region = arrival.read.event.region();
  const std::string hash = arrival.read.event.hash();
  dirty_.insert(HeldKey(region, hash));
  regions_[region].by_hash.emplace(hash, std::move(arrival));
  ++held_count_;
}

void Admission::Drop(const std::string& region, const std::string& hash) {
  auto found = regions_.find(region);
  if (found == regions_.end()) return;
  if (found->second.by_hash.erase(hash) > 0) {
    --held_count_;
    dirty_.insert(HeldKey(region, hash));
  }
  if (found->second.by_hash.empty()) regions_.erase(found);
}

absl::Status Admission::Offer(const RecordAt& at, absl::string_view value, ChainView& chain,
                              std::vector<Decision>& out) {
  Arrival arrival{at, std::string(value), {}};
  auto park = [&](std::string reason, bool conflict) {
    out.push_back(Decision{Decision::Verdict::kPark, std::move(arrival), std::move(reason),
                           conflict});
  };
  absl::StatusOr<ReadEvent> read = OpenRecord(value);
  if (!read.ok()) {
    park(std::string(read.status().message()), false);
    return absl::OkStatus();
  }
  arrival.read = *std::move(read);
  const v1::Event& event = arrival.read.event;
  if (absl::Status readable = CheckReadable(event); !readable.ok()) {
    park(std::string(readable.message()), false);
    return absl::OkStatus();
  }
  absl::StatusOr<std::pair<uint64_t, std::string>> head_of = chain.Head(event.region());
  if (!head_of.ok()) return head_of.status();
  const auto& [head, head_hash] = *head_of;

  if (event.sequence() <= head) {
    std::optional<std::string> held = head_hash;
    if (event.sequence() < head) {
      absl::StatusOr<std::optional<std::string>> at_sequence =
          chain.HashAt(event.region(), event.sequence());
      if (!at_sequence.ok()) return at_sequence.status();
      held = *at_sequence;
    }
    if (held.has_value() && *held == event.hash()) {
      out.push_back(Decision{Decision::Verdict::kDuplicate, std::move(arrival), "", false});
    } else {
      park(ConflictReason(event, held), true);
    }
    return absl::OkStatus();
  }

  const std::string region_name = event.region();
  Region& region = regions_[region_name];
  auto tidy = [&] {
    if (auto found = regions_.find(region_name);
        found != regions_.end() && found->second.by_hash.empty()) {
      regions_.erase(found);
    }
  };
  if (region.by_hash.contains(event.hash())) {
    // Held already: the same record delivered again.
    out.push_back(Decision{Decision::Verdict::kDuplicate, std::move(arrival), "", false});
    tidy();
    return absl::OkStatus();
  }
  std::string broken = BrokenLink(event, region, head, head_hash);
  if (!arrival.read.is_signed()) {
    if (!broken.empty()) {
      park(std::move(broken), false);
    } else if (event.sequence() > head + limits_.max_unsigned_run) {
      park(absl::StrCat("event ", Name(event), " is unsigned and ", event.sequence() - head,
                        " events beyond the region's last signed event; the engine signs at "
                        "least every ",
                        limits_.max_unsigned_run),
           false);
    } else if (region.by_hash.size() >= limits_.max_held_per_region) {
      park(absl::StrCat("event ", Name(event), ": region '", event.region(), "' already holds ",
                        region.by_hash.size(), " unsigned events waiting for a signature"),
           false);
    } else {
      Hold(std::move(arrival));
    }
    tidy();
    return absl::OkStatus();
  }

  if (absl::Status verified = VerifyRecordSignature(arrival.read, keys_); !verified.ok()) {
    park(std::string(verified.message()), false);
    tidy();
    return absl::OkStatus();
  }
  ++signatures_verified_;
  if (!broken.empty()) {
    park(std::move(broken), false);
    tidy();
    return absl::OkStatus();
  }

  // Walk back from the signed event to the head: that path is admitted.
  // Held events always link to another held one or to the head the
  // admission last saw; if the caller could not apply an admitted event,
  // its head stayed behind and the walk cannot reach it.
  std::vector<std::string> path;  // hashes, newest first
  for (std::string previous = event.previous_hash(); previous != head_hash;) {
    auto held = region.by_hash.find(previous);
    if (held == region.by_hash.end()) {
      park(absl::StrCat("event ", Name(event), " does not chain back to ", event.region(), "/",
                        head, ", the region's last applied event (", Short(head_hash),
                        "): an event between them was not applied"),
           false);
      tidy();
      return absl::OkStatus();
    }
    path.push_back(previous);
    previous = held->second.read.event.previous_hash();
  }
  const std::string signed_hash = event.hash();
  const uint64_t new_head = event.sequence();
  for (auto hash = path.rbegin(); hash != path.rend(); ++hash) {
    auto found = region.by_hash.find(*hash);
    out.push_back(Decision{Decision::Verdict::kAdmit, std::move(found->second), "", false});
    Drop(region_name, *hash);
  }
  out.push_back(Decision{Decision::Verdict::kAdmit, std::move(arrival), "", false});

  // What else is held of the region must descend from the new head; the
  // rest was written beside the signed chain.
  auto rest = regions_.find(region_name);
  if (rest == regions_.end()) return absl::OkStatus();
  if (rest->second.by_hash.empty()) {
    regions_.erase(rest);
    return absl::OkStatus();
  }
  std::vector<const Arrival*> ordered;
  for (const auto& [hash, held] : rest->second.by_hash) ordered.push_back(&held);
  std::sort(ordered.begin(), ordered.end(), [](const Arrival* a, const Arrival* b) {
    return a->read.event.sequence() < b->read.event.sequence();
  });
  absl::flat_hash_set<std::string> kept = {signed_hash};
  std::vector<std::string> discarded;
  for (const Arrival* held : ordered) {
    const v1::Event& other = held->read.event;
    if (other.sequence() > new_head && kept.contains(other.previous_hash())) {
      kept.insert(other.hash());
    } else {
      discarded.push_back(other.hash());
    }
  }
  for (const std::string& hash : discarded) {
    auto found = rest->second.by_hash.find(hash);
    Arrival other = std::move(found->second);
    const v1::Event& e = other.read.event;
    std::string reason =
        e.sequence() <= new_head
            ? absl::StrCat("conflict: region '", region_name, "' sequence ", e.sequence(),
                           " is held by the signed chain up to ", region_name, "/", new_head,
                           "; this unsigned event claims it with hash ",
                           absl::BytesToHexString(e.hash()))
            : absl::StrCat("conflict: event ", Name(e), " (hash ", absl::BytesToHexString(e.hash()),
                           ") descends from an event beside the signed chain up to ", region_name,
                           "/", new_head);
    out.push_back(Decision{Decision::Verdict::kPark, std::move(other), std::move(reason), true});
    Drop(region_name, hash);
  }
  return absl::OkStatus();
}

absl::Status Admission::Restore(absl::string_view stored) {
  v1::ParkedEvent record;
  if (!record.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return absl::DataLossError("a held event in the store is not decodable");
  }
  Arrival arrival{{record.topic(), record.partition(), record.offset()}, record.value(), {}};
  absl::StatusOr<ReadEvent> read = OpenRecord(arrival.value);
  if (!read.ok()) return read.status();
  arrival.read = *std::move(read);
  const std::string key = HeldKey(arrival.read.event.region(), arrival.read.event.hash());
  Hold(std::move(arrival));
  dirty_.erase(key);
  stored_.insert(key);
  return absl::OkStatus();
}

void Admission::Stage(const std::function<void(const std::string&, const std::string&)>& put,
                      const std::function<void(const std::string&)>& remove) {
  for (const std::string& key : dirty_) {
    // key = <region length BE16><region><hash>
    const size_t length = (static_cast<unsigned char>(key[0]) << 8) | static_cast<unsigned char>(key[1]);
    const std::string region = key.substr(2, length);
    const std::string hash = key.substr(2 + length);
    const Arrival* held = nullptr;
    if (auto found = regions_.find(region); found != regions_.end()) {
      if (auto entry = found->second.by_hash.find(hash); entry != found->second.by_hash.end()) {
        held = &entry->second;
      }
    }
    if (held != nullptr && !stored_.contains(key)) {
      v1::ParkedEvent record;
      record.set_topic(held->at.topic);
      record.set_partition(held->at.partition);
      record.set_offset(held->at.offset);
      record.set_value(held->value);
      record.set_region(region);
      record.set_sequence(held->read.event.sequence());
      put(key, record.SerializeAsString());
      stored_.insert(key);
    } else if (held == nullptr && stored_.erase(key) > 0) {
      remove(key);
    }
  }
  dirty_.clear();
}

void Admission::Reset() {
  regions_.clear();
  held_count_ = 0;
  dirty_.clear();
  stored_.clear();
}

std::vector<const Arrival*> Admission::Held() const {
  std::vector<const Arrival*> all;
  for (const auto& [name, region] : regions_) {
    for (const auto& [hash, held] : region.by_hash) all.push_back(&held);
  }
  std::sort(all.begin(), all.end(), [](const Arrival* a, const Arrival* b) {
    if (a->read.event.region() != b->read.event.region()) {
      return a->read.event.region() < b->read.event.region();
    }
    return a->read.event.sequence() < b->read.event.sequence();
  });
  return all;
}

}  // namespace inkoop
