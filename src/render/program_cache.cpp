#include "render/program_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/fnv1a.hpp"
#include "common/user_folders.hpp"
#include "render/program_file.hpp"

namespace dcmlens::render {

namespace {

constexpr std::uint64_t kMaxFileSize = 64u << 20;  // far beyond any program; guards reads
constexpr std::size_t kMaxFiles = 256;             // ~30 KB each on Mesa

std::string glText(GLenum name) {
    const auto* s = reinterpret_cast<const char*>(glGetString(name));
    return s ? s : "";
}

// FNV-1a of the key names the file (the key inside it decides; program_file.hpp).
template <class Bytes>
std::uint64_t checksum(const Bytes& bytes) {
    return fnv1a(bytes.data(), bytes.size());
}

// The whole file, when `path` is a regular file of at most kMaxFileSize bytes. Opened without
// following a symbolic link and without blocking (a FIFO put in the folder must not hang us).
bool readFile(const std::filesystem::path& path, std::vector<char>& bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    struct stat s {};
    bool ok = ::fstat(fd, &s) == 0 && S_ISREG(s.st_mode) && s.st_size > 0 &&
              static_cast<std::uint64_t>(s.st_size) <= kMaxFileSize;
    if (ok) {
        bytes.resize(static_cast<std::size_t>(s.st_size));
        std::size_t done = 0;
        while (ok && done < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
            ok = n > 0 || (n < 0 && errno == EINTR);
            done += n > 0 ? static_cast<std::size_t>(n) : 0;
        }
    }
    ::close(fd);
    return ok;
}

// Writes `bytes` to a new file of a name no one else can have chosen (mkstemp: O_EXCL, so never
// through a link someone placed), then renames it over `path`. Readers see the old file or the
// whole new one. No fsync: a file torn by a crash fails its checksum and is compiled again.
bool writeFileAtomically(const std::filesystem::path& path, const std::string& bytes) {
    std::string temporary = path.string() + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) {
        return false;
    }
    bool ok = true;
    std::size_t done = 0;
    while (ok && done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
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

// Keeps the folder bounded: temporary files a killed process left (older than a minute) go, and
// beyond kMaxFiles binaries the oldest written go. Runs only after a compile, which is rare.
void prune(const std::filesystem::path& folder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    std::vector<std::pair<fs::file_time_type, fs::path>> binaries;
    // increment(ec): a failing read of the folder ends the loop instead of throwing.
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::directory_entry& entry = *it;
        const std::string name = entry.path().filename().string();
        std::error_code entryError;  // one entry's trouble skips that entry only
        const auto written = entry.last_write_time(entryError);
        if (entryError) {
            continue;
        }
        if (name.find(".bin.tmp.") != std::string::npos &&
            now - written > std::chrono::minutes(1)) {
            fs::remove(entry.path(), entryError);
        } else if (name.size() > 4 && name.compare(name.size() - 4, 4, ".bin") == 0) {
            binaries.emplace_back(written, entry.path());
        }
    }
    if (binaries.size() <= kMaxFiles) {
        return;
    }
    std::sort(binaries.begin(), binaries.end());
    for (std::size_t i = 0; i + kMaxFiles < binaries.size(); ++i) {
        fs::remove(binaries[i].second, ec);
    }
}

}  // namespace

ProgramCache::ProgramCache(std::filesystem::path directory) : directory_(std::move(directory)) {
    if (directory_.empty()) {
        unavailable_ = "no program cache folder";
        return;
    }
    GLint count = 0;
    if (GLAD_GL_ARB_get_program_binary != 0) {
        glGetIntegerv(GL_NUM_PROGRAM_BINARY_FORMATS, &count);
    }
    if (count <= 0) {
        // Mesa offers its binary format only while its own shader cache is on.
        unavailable_ = "the GL driver gives no program binaries";
        directory_.clear();
        return;
    }
    // A planted binary would go to the driver: only a folder no one else can write to.
    unavailable_ = privateFolderProblem(directory_);
    if (!unavailable_.empty()) {
        directory_.clear();
        return;
    }
    formats_.resize(static_cast<std::size_t>(count));
    glGetIntegerv(GL_PROGRAM_BINARY_FORMATS, formats_.data());
    driver_ = glText(GL_VENDOR) + '\n' + glText(GL_RENDERER) + '\n' + glText(GL_VERSION) + '\n' +
              glText(GL_SHADING_LANGUAGE_VERSION) + '\n';
}

std::filesystem::path ProgramCache::defaultDirectory() {
    const std::filesystem::path base = cacheBase();
    return base.empty() ? base : base / "programs";
}

std::unique_ptr<GlProgram> ProgramCache::build(const std::string& vertexSource,
                                               const std::string& fragmentSource) {
    if (directory_.empty()) {
        counts_.compiled += 1;
        return std::make_unique<GlProgram>(vertexSource, fragmentSource);
    }
    std::string key = driver_;
    for (int i = 0; i < 8; ++i) {  // the vertex source's length, little endian
        key.push_back(static_cast<char>((vertexSource.size() >> (8 * i)) & 0xff));
    }
    key += vertexSource;
    key += fragmentSource;
    char name[32];
    std::snprintf(name, sizeof name, "%016llx.bin", static_cast<unsigned long long>(checksum(key)));
    const std::filesystem::path path = directory_ / name;

    std::vector<char> file;
    std::optional<ProgramFile> stored;
    if (readFile(path, file) && (stored = parseProgramFile(file, key)) &&
        std::find(formats_.begin(), formats_.end(), static_cast<GLint>(stored->format)) !=
            formats_.end()) {
        if (auto program = GlProgram::fromBinary(stored->format, stored->binary)) {
            counts_.loaded += 1;
            return program;
        }
    }

    auto program = std::make_unique<GlProgram>(vertexSource, fragmentSource, true);
    counts_.compiled += 1;
    GLenum format = 0;
    std::vector<std::uint8_t> binary;
    if (!program->binary(format, binary)) {
        return program;
    }
    if (!writeFileAtomically(path, programFileBytes(key, format, binary))) {
        return program;
    }
    prune(directory_);
    counts_.stored += 1;
    return program;
}

}  // namespace dcmlens::render
