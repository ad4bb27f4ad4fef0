#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dcmlens::net {

// Retrieved instances kept on disk so that reopening a series is as fast as opening a folder:
// one file per instance named by its SOP Instance UID (instances are immutable under their UID,
// PS3.3 C.12.1.1.1), plus one list per series of the SOP Instance UIDs it had when it was
// retrieved whole, so that a series can be opened from the cache without asking the server.
// Bounded: beyond the size limit the least recently used instances go (a hit counts as a use).
// The folder ($XDG_CACHE_HOME/dcmlens/instances) must be the user's and closed to others (one it
// creates is); files are written under a temporary name and renamed, so readers never see half
// a file. Nothing here is an error: without a usable folder nothing is cached. Thread-safe.
class InstanceCache {
public:
    static constexpr std::uint64_t kDefaultLimit = std::uint64_t{4} << 30;

    // `directory` empty: no cache.
    explicit InstanceCache(std::filesystem::path directory,
                           std::uint64_t limitBytes = kDefaultLimit);
    // cacheBase() / "instances" (common/user_folders.hpp); empty when there is none.
    static std::filesystem::path defaultDirectory();

    bool usable() const { return !directory_.empty(); }
    const std::string& unavailableBecause() const { return unavailable_; }
    const std::filesystem::path& directory() const { return directory_; }

    // The file of a cached instance (marked as used), or nullopt.
    std::optional<std::filesystem::path> find(const std::string& sopInstanceUid);
    // Keeps an instance's bytes; then evicts beyond the limit. False when nothing was written.
    bool store(const std::string& sopInstanceUid, const std::vector<std::uint8_t>& bytes);

    // The instances of a series as last retrieved whole, when every one of them is still cached
    // (then all are marked as used); nullopt otherwise.
    std::optional<std::vector<std::filesystem::path>> findSeries(const std::string& seriesUid);
    void storeSeries(const std::string& seriesUid, const std::vector<std::string>& sopInstanceUids);

    std::uint64_t sizeBytes();  // of the instance files

private:
    void evict();
    std::filesystem::path directory_;
    std::string unavailable_;
    std::uint64_t limit_;
    std::mutex mutex_;
    std::optional<std::uint64_t> size_;  // known after the first scan
};

// SOP and series UIDs are file names here: digits and dots only (PS3.5 9.1), 64 at most.
bool isUid(const std::string& text);

}  // namespace dcmlens::net
