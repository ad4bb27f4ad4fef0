// The program cache's file reader (render/program_file.hpp), the part of ProgramCache that reads
// what another process (or anyone who could write the folder) left: magic, key, format, length,
// checksum. Whatever it accepts goes to the GL driver's deserialiser, so it must accept exactly
// the files programFileBytes() writes for the key.
//
// Input: one byte k, then the key's first k bytes (taken from the rest), then the file.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "render/program_file.hpp"

using namespace dcmlens;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::size_t k = std::min<std::size_t>(data[0], size - 1);
    const std::string key(reinterpret_cast<const char*>(data + 1), k);
    const std::vector<char> file(data + 1 + k, data + size);
    if (auto parsed = render::parseProgramFile(file, key)) {
        // Accepted: it must be exactly the file written for this key, format and binary.
        const std::string again = render::programFileBytes(key, parsed->format, parsed->binary);
        if (again.size() != file.size() || !std::equal(again.begin(), again.end(), file.begin())) {
            __builtin_trap();
        }
    }
    // What is written is read back.
    const std::vector<std::uint8_t> binary(file.begin(), file.end());
    if (!binary.empty()) {
        const std::string written = render::programFileBytes(key, 0x8741, binary);
        const auto back =
            render::parseProgramFile(std::vector<char>(written.begin(), written.end()), key);
        if (!back || back->format != 0x8741 || back->binary != binary) {
            __builtin_trap();
        }
    }
    return 0;
}
