#pragma once

#include <optional>
#include <utility>

namespace dcmlens::viewer {

// The viewer's one invalidation mechanism. Everything derived from the state — a viewport's
// framebuffer, the line of the state log, settings.txt — keeps the key of what it was made from
// and is made again only when the key it would be made from now differs. Nothing has to
// remember to "mark" anything: a control that changes a viewport's window changes its key, so
// that viewport (and only it) is drawn again; a change that no output depends on costs nothing.
// Keys are plain values with operator==.
template <class Key>
class ChangeTracker {
public:
    // Whether `key` differs from the one last accepted; accepts it.
    bool changed(const Key& key) {
        if (last_ && *last_ == key) {
            return false;
        }
        last_ = key;
        return true;
    }
    // Whether `key` differs, without accepting it (the caller accepts once the work is done).
    bool differs(const Key& key) const { return !last_ || !(*last_ == key); }
    void accept(Key key) { last_ = std::move(key); }
    void reset() { last_.reset(); }
    const std::optional<Key>& last() const { return last_; }

private:
    std::optional<Key> last_;
};

}  // namespace dcmlens::viewer
