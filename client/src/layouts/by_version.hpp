// Items keyed by canonical version, for reading a folder of up to 10,000 migrations fast.
#pragma once
#include "version.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace mig::client {

// Items by canonical version, kept in the order they arrive; duplicates are found as they
// arrive. Files come in name order, which is version order when versions have equal widths:
// a new key is then compared with the last one only (no tree, no hashing). The first key out of
// order switches to a hash index.
template <class T> class ByVersion {
  public:
    static constexpr size_t npos = static_cast<size_t>(-1);
    void reserve(size_t n) {
        keys_.reserve(n);
        items_.reserve(n);
    }
    size_t size() const { return keys_.size(); }
    const std::string &key(size_t i) const { return keys_[i]; }
    T &operator[](size_t i) { return items_[i]; }
    // Index of the item whose key is `key`, or npos; *after_last = whether the key sorts after
    // every key so far.
    size_t find(const std::string &key, bool *after_last = nullptr) const {
        if (after_last)
            *after_last = false;
        if (keys_.empty())
            return npos;
        if (in_order_) {
            if (VersionLess{}(keys_.back(), key)) {
                if (after_last)
                    *after_last = true;
                return npos;
            }
            auto it = std::lower_bound(keys_.begin(), keys_.end(), key, VersionLess{});
            return it != keys_.end() && *it == key ? static_cast<size_t>(it - keys_.begin()) : npos;
        }
        auto it = index_.find(key);
        return it == index_.end() ? npos : it->second;
    }
    // Adds an item whose key find() did not find. `after_last`: find() saw that it sorts after
    // every key so far (saves comparing it again).
    void add(std::string key, T item, bool after_last = false) {
        items_.push_back(std::move(item));
        keep(std::move(key), after_last);
    }
    // Building an item in place: pending() appends an empty one, then keep() (its key, which
    // find() did not find) or discard().
    T &pending() { return items_.emplace_back(); }
    void keep(std::string key, bool after_last) {
        if (!after_last && in_order_ && !keys_.empty() && !VersionLess{}(keys_.back(), key)) {
            in_order_ = false;
            index_.reserve(keys_.size() * 2);
            for (size_t i = 0; i < keys_.size(); ++i)
                index_.emplace(keys_[i], i);
        }
        if (!in_order_)
            index_.emplace(key, keys_.size());
        keys_.push_back(std::move(key));
    }
    void discard() { items_.pop_back(); }
    // Indices in version order.
    std::vector<size_t> ordered() const {
        std::vector<size_t> order(keys_.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        if (!in_order_)
            std::sort(order.begin(), order.end(),
                      [this](size_t a, size_t b) { return VersionLess{}(keys_[a], keys_[b]); });
        return order;
    }
    // The items in version order (moved out; nothing is moved when they came in order).
    std::vector<T> take_ordered() {
        if (in_order_)
            return std::move(items_);
        std::vector<T> out;
        out.reserve(items_.size());
        for (size_t i : ordered())
            out.push_back(std::move(items_[i]));
        return out;
    }

  private:
    std::vector<std::string> keys_;
    std::vector<T> items_;
    bool in_order_ = true;
    std::unordered_map<std::string, size_t> index_; // once out of order
};

} // namespace mig::client
