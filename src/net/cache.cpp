#include "net/cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "common/user_folders.hpp"

namespace dcmlens::net {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuffix = ".dcm";

bool writeAtomically(const fs::path& path, const void* data, std::size_t size) {
    std::string temporary = path.string() + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temporary.data());  // O_EXCL, mode 0600: never through a link
    if (fd < 0) {
        return false;
    }
    const auto* bytes = static_cast<const char*>(data);
    bool ok = true;
    std::size_t done = 0;
    while (ok && done < size) {
        const ssize_t n = ::write(fd, bytes + done, size - done);
        ok = n > 0 || (n < 0 && errno == EINTR);
        done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    ok = ::close(fd) == 0 && ok;
    ok = ok && ::rename(temporary.c_str(), path.c_str()) == 0;
    if (!ok) {
        ::unlink(temporary.c_str());
    }
    return ok;
}

// A regular file (not a link someone placed) of at least one byte.
bool regularFile(const fs::path& path) {
    struct stat s {};
    return ::lstat(path.c_str(), &s) == 0 && S_ISREG(s.st_mode) && s.st_size > 0;
}

void touch(const fs::path& path) {
    ::utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);  // now: used
}

}  // namespace

bool isUid(const std::string& text) {
    return !text.empty() && text.size() <= 64 &&
           text.find_first_not_of("0123456789.") == std::string::npos && text.front() != '.';
}

InstanceCache::InstanceCache(fs::path directory, std::uint64_t limitBytes)
    : directory_(std::move(directory)), limit_(limitBytes) {
    if (directory_.empty()) {
        unavailable_ = "no cache folder";
        return;
    }
    if (limit_ == 0) {
        unavailable_ = "the cache limit is 0";
        directory_.clear();
        return;
    }
    unavailable_ = privateFolderProblem(directory_);
    if (unavailable_.empty()) {
        unavailable_ = privateFolderProblem(directory_ / "series");
    }
    if (!unavailable_.empty()) {
        directory_.clear();
    }
}

fs::path InstanceCache::defaultDirectory() {
    const fs::path base = cacheBase();
    return base.empty() ? base : base / "instances";
}

std::optional<fs::path> InstanceCache::find(const std::string& uid) {
    if (!usable() || !isUid(uid)) {
        return std::nullopt;
    }
    const fs::path path = directory_ / (uid + kSuffix);
    if (!regularFile(path)) {
        return std::nullopt;
    }
    touch(path);
    return path;
}

bool InstanceCache::store(const std::string& uid, const std::vector<std::uint8_t>& bytes) {
    if (!usable() || !isUid(uid) || bytes.empty() || bytes.size() > limit_) {
        return false;
    }
    const fs::path path = directory_ / (uid + kSuffix);
    if (!writeAtomically(path, bytes.data(), bytes.size())) {
        return false;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (size_) {
        *size_ += bytes.size();  // an overwrite counts twice until the next scan: harmless
    }
    if (!size_ || *size_ > limit_) {
        evict();
    }
    return true;
}

std::optional<std::vector<fs::path>> InstanceCache::findSeries(const std::string& seriesUid) {
    if (!usable() || !isUid(seriesUid)) {
        return std::nullopt;
    }
    const fs::path list = directory_ / "series" / (seriesUid + ".txt");
    if (!regularFile(list)) {
        return std::nullopt;
    }
    std::ifstream in(list);
    std::vector<fs::path> files;
    for (std::string uid; std::getline(in, uid);) {
        if (!isUid(uid)) {
            return std::nullopt;  // damaged: retrieve again
        }
        const fs::path path = directory_ / (uid + kSuffix);
        if (!regularFile(path)) {
            return std::nullopt;  // evicted: retrieve again
        }
        files.push_back(path);
    }
    if (files.empty()) {
        return std::nullopt;
    }
    for (const fs::path& f : files) {
        touch(f);
    }
    touch(list);
    return files;
}

void InstanceCache::storeSeries(const std::string& seriesUid,
                                const std::vector<std::string>& sopInstanceUids) {
    if (!usable() || !isUid(seriesUid) || sopInstanceUids.empty()) {
        return;
    }
    std::string text;
    for (const std::string& uid : sopInstanceUids) {
        if (!isUid(uid)) {
            return;
        }
        text += uid + "\n";
    }
    writeAtomically(directory_ / "series" / (seriesUid + ".txt"), text.data(), text.size());
}

std::uint64_t InstanceCache::sizeBytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    size_.reset();
    evict();
    return size_.value_or(0);
}

// Scans the folder: the total size, and the least recently used instances removed until it is
// under the limit; leftovers of killed writers (older than a minute) go too. Called with the
// mutex held.
void InstanceCache::evict() {
    std::error_code ec;
    struct Entry {
        fs::file_time_type used;
        std::uint64_t size;
        fs::path path;
    };
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code entryError;
        const std::string name = it->path().filename().string();
        if (!it->is_regular_file(entryError) || entryError) {
            continue;
        }
        const auto written = it->last_write_time(entryError);
        const std::uint64_t size = it->file_size(entryError);
        if (entryError) {
            continue;
        }
        if (name.find(".tmp.") != std::string::npos) {
            if (now - written > std::chrono::minutes(1)) {
                fs::remove(it->path(), entryError);
            }
            continue;
        }
        if (name.size() > 4 && name.compare(name.size() - 4, 4, kSuffix) == 0) {
            entries.push_back({written, size, it->path()});
            total += size;
        }
    }
    if (total > limit_) {
        std::sort(entries.begin(), entries.end(),
                  [](const Entry& a, const Entry& b) { return a.used < b.used; });
        // Down to 90 % of the limit, so that the next stores do not scan again at once.
        for (const Entry& e : entries) {
            if (total <= limit_ / 10 * 9) {
                break;
            }
            std::error_code removeError;
            if (fs::remove(e.path, removeError)) {
                total -= e.size;
            }
        }
    }
    size_ = total;
}

}  // namespace dcmlens::net
