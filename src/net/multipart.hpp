#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dcmlens::net {

// The value of a parameter of a Content-Type header (RFC 2045 5.1: `name=token` or
// `name="quoted string"`, names in any case), or "" when it has none. `mediaType` gets the type
// itself in lower case ("multipart/related").
std::string contentTypeParameter(const std::string& contentType, const std::string& name,
                                 std::string* mediaType = nullptr);

// A streaming parser of a multipart body (RFC 2046 5.1.1; multipart/related, RFC 2387, as WADO-RS
// answers with, PS3.18 8.6.1.2): bytes go in as they arrive, in chunks of any size; each part is
// handed to the sink as soon as its closing delimiter has arrived. Only the part being received
// is held, never the whole body. The preamble before the first delimiter and the epilogue after
// the last one are skipped. Throws dcmlens::Error with a one-line reason on a malformed body.
class MultipartParser {
public:
    struct Part {
        std::map<std::string, std::string> headers;  // names in lower case
        std::vector<std::uint8_t> body;
    };
    using Sink = std::function<void(Part&&)>;

    // Throws dcmlens::Error when `contentType` is not multipart or names no boundary.
    static std::string boundaryOf(const std::string& contentType);

    MultipartParser(const std::string& boundary, Sink sink);

    void feed(const void* data, std::size_t size);
    // The body ended: throws dcmlens::Error unless the close delimiter was seen.
    void finish();

    std::size_t parts() const { return parts_; }
    bool complete() const { return state_ == State::Epilogue; }

private:
    enum class State { Preamble, AfterDelimiter, Headers, Body, Epilogue };
    void parseHeaders(const std::string& block);
    void emit(std::size_t bodyEnd);

    std::string delimiter_;  // CRLF "--" boundary
    Sink sink_;
    State state_ = State::Preamble;
    std::string pending_;  // bytes not yet consumed outside a body
    Part part_;
    std::size_t searched_ = 0;  // body bytes already searched for the delimiter
    std::size_t parts_ = 0;
    std::size_t lastBodySize_ = 0;
};

}  // namespace dcmlens::net
