// EntityTable: the entities of one kind in a region's state (contracts by id,
// claims by id, ...), as an ordered map that remembers which keys were
// changed since the last MarkClean(). The state store writes exactly those
// keys (an absent key is a deletion), so a batch writes what changed and
// nothing else, without the domain knowing that a store exists.
//
// Reading through a const table marks nothing. Every mutable access marks
// its key: operator[], non-const find() of a present key, emplace/insert,
// erase. Marking is an over-approximation (a key looked up mutably but left
// as it was is written again), never an under-approximation.
//
// A table may hold only part of its kind (the store loads claims on demand):
// the caller that loads must make sure every key a command or event reads is
// present when it is stored. Not thread-safe.
#ifndef INKOOP_ENGINE_DOMAIN_ENTITY_TABLE_H_
#define INKOOP_ENGINE_DOMAIN_ENTITY_TABLE_H_

#include <cstddef>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"

namespace inkoop {

template <typename K, typename V>
class EntityTable {
 public:
  using Map = absl::btree_map<K, V>;
  using key_type = K;
  using mapped_type = V;
  using value_type = typename Map::value_type;
  using size_type = typename Map::size_type;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  // Lookups take any key type the map compares with K (string_view for
  // string ids).
  template <typename Q>
  const_iterator find(const Q& key) const {
    return map_.find(key);
  }
  template <typename Q>
  bool contains(const Q& key) const {
    return map_.contains(key);
  }
  const V& at(const K& key) const { return map_.at(key); }
  size_type size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

  // Mutable access: marks the key changed.
  V& operator[](const K& key) {
    dirty_.insert(key);
    return map_[key];
  }
  template <typename Q>
  iterator find(const Q& key) {
    auto it = map_.find(key);
    if (it != map_.end()) dirty_.insert(it->first);
    return it;
  }
  iterator end() { return map_.end(); }
  V& at(const K& key) {
    dirty_.insert(key);
    return map_.at(key);
  }
  template <typename... Args>
  std::pair<iterator, bool> try_emplace(const K& key, Args&&... args) {
    dirty_.insert(key);
    return map_.try_emplace(key, std::forward<Args>(args)...);
  }
  std::pair<iterator, bool> insert_or_assign(const K& key, V value) {
    dirty_.insert(key);
    return map_.insert_or_assign(key, std::move(value));
  }
  size_type erase(const K& key) {
    dirty_.insert(key);
    return map_.erase(key);
  }

  // Keys changed since the last MarkClean(); a key no longer present was
  // erased.
  const absl::btree_set<K>& dirty() const { return dirty_; }
  void MarkClean() { dirty_.clear(); }

  // For the store: puts a stored entity into the table without marking it
  // (it is as stored). Does nothing when the key is present.
  void Load(const K& key, V value) { map_.try_emplace(key, std::move(value)); }
  // For the store's bounded cache: forgets the entities not changed since
  // the last MarkClean(); they stay in the store.
  void EvictClean() {
    EvictCleanIf([](const V&) { return true; });
  }
  // The same, for the clean entities `evict(value)` says may go.
  template <typename Predicate>
  void EvictCleanIf(Predicate evict) {
    for (auto it = map_.begin(); it != map_.end();) {
      it = dirty_.contains(it->first) || !evict(it->second) ? std::next(it) : map_.erase(it);
    }
  }

 private:
  Map map_;
  absl::btree_set<K> dirty_;
};

}  // namespace inkoop

#endif  // INKOOP_ENGINE_DOMAIN_ENTITY_TABLE_H_
