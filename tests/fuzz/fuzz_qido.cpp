// The QIDO-RS / WADO-RS metadata reader (net/json.hpp): JSON (RFC 8259) and the DICOM JSON
// model (PS3.18 F.2) of query answers, as a server (or anything answering in its place) sends.

#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "fuzz_support.hpp"
#include "net/json.hpp"

using namespace dcmlens;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)net::parseJson(text);
    } catch (const Error&) {
    }
    try {
        for (const net::Record& r : net::parseDicomJson(text)) {
            (void)r.first(0x0020000D);
            (void)r.joined(0x00100010);
        }
    } catch (const Error&) {
    }
    return 0;
}
