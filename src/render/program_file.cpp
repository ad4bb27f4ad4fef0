#include "render/program_file.hpp"

#include <cstring>

#include "common/fnv1a.hpp"

namespace dcmlens::render {

namespace {

constexpr char kMagic[] = "dcmlens program binary 1\n";
constexpr std::size_t kMagicSize = sizeof kMagic - 1;

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

}  // namespace

std::optional<ProgramFile> parseProgramFile(const std::vector<char>& file, const std::string& key) {
    if (file.size() < kMagicSize || std::memcmp(file.data(), kMagic, kMagicSize) != 0) {
        return std::nullopt;
    }
    std::size_t at = kMagicSize;
    std::uint64_t keySize = 0;
    if (!getNumber(file, at, 8, keySize) || keySize != key.size() || file.size() - at < keySize ||
        std::memcmp(file.data() + at, key.data(), key.size()) != 0) {
        return std::nullopt;
    }
    at += key.size();
    std::uint64_t format = 0, size = 0, storedChecksum = 0;
    if (!getNumber(file, at, 4, format) || !getNumber(file, at, 8, size) ||
        !getNumber(file, at, 8, storedChecksum) || size != file.size() - at || size == 0) {
        return std::nullopt;
    }
    ProgramFile out;
    out.format = static_cast<std::uint32_t>(format);
    out.binary.assign(file.begin() + static_cast<std::ptrdiff_t>(at), file.end());
    if (fnv1a(out.binary.data(), out.binary.size()) != storedChecksum) {
        return std::nullopt;
    }
    return out;
}

std::string programFileBytes(const std::string& key, std::uint32_t format,
                             const std::vector<std::uint8_t>& binary) {
    std::string out(kMagic, kMagicSize);
    putNumber(out, key.size(), 8);
    out += key;
    putNumber(out, format, 4);
    putNumber(out, binary.size(), 8);
    putNumber(out, fnv1a(binary.data(), binary.size()), 8);
    out.append(binary.begin(), binary.end());
    return out;
}

}  // namespace dcmlens::render
