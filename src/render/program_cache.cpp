#include "render/program_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace dcmlens::render {

namespace {

// The file: kMagic, then the key's length (8 bytes, little endian) and the key, the binary's
// format (4 bytes), its length and checksum (8 bytes each) and the binary. The checksum keeps a
// damaged file from reaching a driver that would not notice.
constexpr char kMagic[] = "dcmlens program binary 1\n";
constexpr std::size_t kMagicSize = sizeof kMagic - 1;
constexpr std::uint64_t kMaxFileSize = 64u << 20;  // far beyond any program; guards reads

std::string glText(GLenum name) {
    const auto* s = reinterpret_cast<const char*>(glGetString(name));
    return s ? s : "";
}

// FNV-1a: names the file (the key inside it decides) and checks the binary.
template <class Bytes>
std::uint64_t fnv1a(const Bytes& bytes) {
    std::uint64_t hash = 14695981039346656037ull;
    for (auto c : bytes) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return hash;
}

void putNumber(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    }
}

// Reads a little-endian number at `at`, advancing it; false past the end.
bool getNumber(const std::vector<char>& in, std::size_t& at, int bytes, std::uint64_t& value) {
    if (in.size() - at < static_cast<std::size_t>(bytes)) {
        return false;
    }
    value = 0;
    for (int i = 0; i < bytes; ++i) {
        value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    }
    at += static_cast<std::size_t>(bytes);
    return true;
}

bool readFile(const std::filesystem::path& path, std::vector<char>& bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size <= 0 || static_cast<std::uint64_t>(size) > kMaxFileSize) {
        return false;
    }
    in.seekg(0);
    bytes.resize(static_cast<std::size_t>(size));
    return static_cast<bool>(in.read(bytes.data(), size));
}

// The binary of a file written for `key`; false when the file is another key's, or damaged.
bool parseEntry(const std::vector<char>& file, const std::string& key, GLenum& format,
                std::vector<std::uint8_t>& binary) {
    if (file.size() < kMagicSize || std::memcmp(file.data(), kMagic, kMagicSize) != 0) {
        return false;
    }
    std::size_t at = kMagicSize;
    std::uint64_t keySize = 0;
    if (!getNumber(file, at, 8, keySize) || keySize != key.size() || file.size() - at < keySize ||
        std::memcmp(file.data() + at, key.data(), key.size()) != 0) {
        return false;
    }
    at += key.size();
    std::uint64_t storedFormat = 0, size = 0, checksum = 0;
    if (!getNumber(file, at, 4, storedFormat) || !getNumber(file, at, 8, size) ||
        !getNumber(file, at, 8, checksum) || size != file.size() - at || size == 0) {
        return false;
    }
    format = static_cast<GLenum>(storedFormat);
    binary.assign(file.begin() + static_cast<std::ptrdiff_t>(at), file.end());
    return fnv1a(binary) == checksum;
}

}  // namespace

ProgramCache::ProgramCache(std::filesystem::path directory) : directory_(std::move(directory)) {
    GLint count = 0;
    if (GLAD_GL_ARB_get_program_binary != 0) {
        glGetIntegerv(GL_NUM_PROGRAM_BINARY_FORMATS, &count);
    }
    if (count <= 0) {
        directory_.clear();  // nothing to store
        return;
    }
    formats_.resize(static_cast<std::size_t>(count));
    glGetIntegerv(GL_PROGRAM_BINARY_FORMATS, formats_.data());
    driver_ = glText(GL_VENDOR) + '\n' + glText(GL_RENDERER) + '\n' + glText(GL_VERSION) + '\n';
}

std::filesystem::path ProgramCache::defaultDirectory() {
    std::filesystem::path base;
    if (const char* dir = std::getenv("DCMLENS_CACHE_DIR")) {
        base = dir;
    } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') {
        base = std::filesystem::path(xdg) / "dcmlens";
    } else if (const char* home = std::getenv("HOME"); home && home[0] != '\0') {
        base = std::filesystem::path(home) / ".cache" / "dcmlens";
    }
    return base.empty() ? base : base / "programs";
}

std::unique_ptr<GlProgram> ProgramCache::build(const std::string& vertexSource,
                                               const std::string& fragmentSource) {
    if (directory_.empty()) {
        counts_.compiled += 1;
        return std::make_unique<GlProgram>(vertexSource, fragmentSource);
    }
    std::string key = driver_;
    putNumber(key, vertexSource.size(), 8);
    key += vertexSource;
    key += fragmentSource;
    char name[32];
    std::snprintf(name, sizeof name, "%016llx.bin", static_cast<unsigned long long>(fnv1a(key)));
    const std::filesystem::path path = directory_ / name;

    std::vector<char> file;
    GLenum storedFormat = 0;
    std::vector<std::uint8_t> stored;
    if (readFile(path, file) && parseEntry(file, key, storedFormat, stored) &&
        std::find(formats_.begin(), formats_.end(), static_cast<GLint>(storedFormat)) !=
            formats_.end()) {
        if (auto program = GlProgram::fromBinary(storedFormat, stored)) {
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
    std::string out(kMagic, kMagicSize);
    putNumber(out, key.size(), 8);
    out += key;
    putNumber(out, format, 4);
    putNumber(out, binary.size(), 8);
    putNumber(out, fnv1a(binary), 8);
    out.append(binary.begin(), binary.end());
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    static std::atomic<int> serial{0};  // unique names for renderers on several threads
    const std::filesystem::path temporary =
        directory_ /
        (std::string(name) + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(serial++));
    {
        std::ofstream f(temporary, std::ios::binary | std::ios::trunc);
        f.write(out.data(), static_cast<std::streamsize>(out.size()));
        f.close();
        if (!f) {
            std::filesystem::remove(temporary, ec);
            return program;
        }
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return program;
    }
    counts_.stored += 1;
    return program;
}

}  // namespace dcmlens::render
