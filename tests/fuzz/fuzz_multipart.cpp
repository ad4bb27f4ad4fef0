// The WADO-RS multipart reader (net/multipart.hpp, RFC 2046 5.1.1 / RFC 2387): a body fed in
// chunks of the sizes the input's first bytes say, as the network delivers it, then finished.
// Every part handed out must lie inside what was fed.
//
// Input: a Content-Type line (up to the first LF), one byte of chunk size, then the body.

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "fuzz_support.hpp"
#include "net/multipart.hpp"

using namespace dcmlens;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* end = std::find(data, data + size, '\n');
    if (end == data + size || end + 1 == data + size) {
        return 0;
    }
    const std::string contentType(reinterpret_cast<const char*>(data),
                                  static_cast<std::size_t>(end - data));
    const std::size_t chunk = 1 + end[1];
    const std::uint8_t* body = end + 2;
    const std::size_t bodySize = static_cast<std::size_t>(data + size - body);
    (void)net::contentTypeParameter(contentType, "type");
    std::string boundary;
    try {
        boundary = net::MultipartParser::boundaryOf(contentType);
    } catch (const Error&) {
        return 0;
    }
    std::size_t received = 0;
    try {
        net::MultipartParser parser(boundary, [&](net::MultipartParser::Part&& part) {
            received += part.body.size();
            if (received > bodySize) {
                __builtin_trap();  // more body bytes out than went in
            }
        });
        for (std::size_t at = 0; at < bodySize; at += chunk) {
            parser.feed(body + at, std::min(chunk, bodySize - at));
        }
        parser.finish();
    } catch (const Error&) {
    }
    return 0;
}
