#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dcmlens::render {

// The file a ProgramCache keeps one linked program in: "dcmlens program binary 1\n", the key's
// length (8 bytes, little endian) and the key (driver and sources), the binary's format (4
// bytes), its length and FNV-1a checksum (8 bytes each), then the binary. The checksum keeps a
// damaged file from reaching a driver that would not notice. No GL here: the fuzzer reads these.
struct ProgramFile {
    std::uint32_t format = 0;
    std::vector<std::uint8_t> binary;
};

// The binary of a file written for `key`; nullopt when the file is another key's, damaged,
// truncated or longer than it says.
std::optional<ProgramFile> parseProgramFile(const std::vector<char>& file, const std::string& key);

// The bytes of the file for `key` and a program's binary.
std::string programFileBytes(const std::string& key, std::uint32_t format,
                             const std::vector<std::uint8_t>& binary);

}  // namespace dcmlens::render
