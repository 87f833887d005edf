// Generators that several properties share.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace startjoin::conformance::properties {

/// A permutation of 0..n-1. It shrinks towards the identity: it is the order of n random keys,
/// and RapidCheck shrinks keys towards 0, where ties keep the natural order.
inline rc::Gen<std::vector<std::size_t>> permutation(std::size_t n) {
    return rc::gen::map(rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 1000)),
                        [](const std::vector<int>& keys) {
                            std::vector<std::size_t> order(keys.size());
                            std::iota(order.begin(), order.end(), std::size_t{0});
                            std::stable_sort(
                                order.begin(), order.end(),
                                [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
                            return order;
                        });
}

/// Merges several sequences into one, keeping the order within each: `picks[i]` chooses, among
/// the sequences not yet exhausted, which one gives the i-th element (picks beyond the end
/// choose the first). Shrinking the picks towards 0 gives "each sequence in turn, whole".
template <class T>
std::vector<T> interleave(const std::vector<std::vector<T>>& sequences,
                          const std::vector<std::size_t>& picks) {
    std::vector<T> merged;
    std::vector<std::size_t> next(sequences.size(), 0);
    for (std::size_t step = 0;; ++step) {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < sequences.size(); ++i) {
            if (next[i] < sequences[i].size()) open.push_back(i);
        }
        if (open.empty()) return merged;
        const std::size_t pick = step < picks.size() ? picks[step] % open.size() : 0;
        const std::size_t chosen = open[pick];
        merged.push_back(sequences[chosen][next[chosen]++]);
    }
}

/// Picks for interleave(): up to `length` small numbers.
inline rc::Gen<std::vector<std::size_t>> picks(std::size_t length) {
    return rc::gen::container<std::vector<std::size_t>>(length,
                                                        rc::gen::inRange<std::size_t>(0, 8));
}

}  // namespace startjoin::conformance::properties
