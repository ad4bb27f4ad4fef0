#include "net/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/error.hpp"

namespace dcmlens::net {

namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;  // a part's headers; far beyond real ones

std::string lower(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

std::string trim(const std::string& s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) {
        ++b;
    }
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
        --e;
    }
    return s.substr(b, e - b);
}

}  // namespace

std::string contentTypeParameter(const std::string& contentType, const std::string& name,
                                 std::string* mediaType) {
    // Split on ';' outside quoted strings.
    std::vector<std::string> pieces(1);
    bool quoted = false;
    for (std::size_t i = 0; i < contentType.size(); ++i) {
        const char c = contentType[i];
        if (quoted && c == '\\' && i + 1 < contentType.size()) {
            pieces.back() += c;
            pieces.back() += contentType[++i];
            continue;
        }
        if (c == '"') {
            quoted = !quoted;
        }
        if (c == ';' && !quoted) {
            pieces.emplace_back();
        } else {
            pieces.back() += c;
        }
    }
    if (mediaType) {
        *mediaType = lower(trim(pieces.front()));
    }
    const std::string wanted = lower(name);
    for (std::size_t i = 1; i < pieces.size(); ++i) {
        const std::size_t eq = pieces[i].find('=');
        if (eq == std::string::npos || lower(trim(pieces[i].substr(0, eq))) != wanted) {
            continue;
        }
        std::string value = trim(pieces[i].substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            std::string unquoted;
            for (std::size_t k = 1; k + 1 < value.size(); ++k) {
                if (value[k] == '\\' && k + 2 < value.size()) {
                    ++k;
                }
                unquoted += value[k];
            }
            return unquoted;
        }
        return value;
    }
    return "";
}

std::string MultipartParser::boundaryOf(const std::string& contentType) {
    std::string media;
    const std::string boundary = contentTypeParameter(contentType, "boundary", &media);
    if (media.rfind("multipart/", 0) != 0) {
        throw Error("the answer is not multipart (Content-Type: " +
                    (contentType.empty() ? std::string("none") : contentType) + ")");
    }
    // RFC 2046 5.1.1: 1 to 70 characters.
    if (boundary.empty() || boundary.size() > 70) {
        throw Error("the multipart answer has no usable boundary (Content-Type: " + contentType +
                    ")");
    }
    return boundary;
}

MultipartParser::MultipartParser(const std::string& boundary, Sink sink)
    : delimiter_("\r\n--" + boundary), sink_(std::move(sink)), pending_("\r\n") {
    // The first delimiter may open the body without a line break before it: parsing "\r\n"
    // followed by the body finds it like any other.
}

void MultipartParser::parseHeaders(const std::string& block) {
    std::size_t at = 0;
    while (at < block.size()) {
        std::size_t end = block.find("\r\n", at);
        if (end == std::string::npos) {
            end = block.size();
        }
        const std::string line = block.substr(at, end - at);
        at = end + 2;
        if (line.empty()) {
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || colon == 0) {
            throw Error("malformed multipart answer: part " + std::to_string(parts_ + 1) +
                        " has a header line without a name");
        }
        part_.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
}

void MultipartParser::emit(std::size_t bodyEnd) {
    // What follows the delimiter goes back to the state machine.
    const std::size_t after = bodyEnd + delimiter_.size();
    pending_.assign(reinterpret_cast<const char*>(part_.body.data()) + after,
                    part_.body.size() - after);
    part_.body.resize(bodyEnd);
    ++parts_;
    Part done = std::move(part_);
    part_ = Part();
    searched_ = 0;
    state_ = State::AfterDelimiter;
    sink_(std::move(done));
}

void MultipartParser::feed(const void* data, std::size_t size) {
    const char* bytes = static_cast<const char*>(data);
    if (state_ == State::Epilogue) {
        return;
    }
    if (state_ == State::Body) {
        part_.body.insert(part_.body.end(), bytes, bytes + size);
    } else {
        pending_.append(bytes, size);
    }
    for (;;) {
        switch (state_) {
            case State::Preamble: {
                const std::size_t at = pending_.find(delimiter_);
                if (at == std::string::npos) {
                    // Keep only what could start a delimiter.
                    if (pending_.size() >= delimiter_.size()) {
                        pending_.erase(0, pending_.size() - delimiter_.size() + 1);
                    }
                    return;
                }
                pending_.erase(0, at + delimiter_.size());
                state_ = State::AfterDelimiter;
                break;
            }
            case State::AfterDelimiter: {
                // "--" closes the body; else optional transport padding, then CRLF.
                if (pending_.size() < 2) {
                    return;
                }
                if (pending_.compare(0, 2, "--") == 0) {
                    state_ = State::Epilogue;
                    pending_.clear();
                    return;
                }
                std::size_t k = 0;
                while (k < pending_.size() && (pending_[k] == ' ' || pending_[k] == '\t')) {
                    ++k;
                }
                if (pending_.size() - k < 2) {
                    if (pending_.size() > 1024) {
                        throw Error("malformed multipart answer: no line break after a boundary");
                    }
                    return;
                }
                if (pending_.compare(k, 2, "\r\n") != 0) {
                    throw Error("malformed multipart answer: a boundary is followed by other text");
                }
                pending_.erase(0, k + 2);
                state_ = State::Headers;
                break;
            }
            case State::Headers: {
                std::size_t end = 0;
                std::size_t skip = 0;
                if (pending_.compare(0, 2, "\r\n") == 0) {
                    end = 0;  // no headers: the blank line at once
                    skip = 2;
                } else if (pending_.size() < 2) {
                    return;
                } else {
                    end = pending_.find("\r\n\r\n");
                    if (end == std::string::npos) {
                        if (pending_.size() > kMaxHeaderBytes) {
                            throw Error("malformed multipart answer: part " +
                                        std::to_string(parts_ + 1) + " has no end of headers");
                        }
                        return;
                    }
                    skip = 4;
                }
                parseHeaders(pending_.substr(0, end));
                // Parts of a series are alike: room for one like the last saves the copies of
                // a growing buffer (a part's Content-Length says it exactly when given). The
                // header is trusted up to 64 MiB only (an instance's usual size at most): a
                // 732-byte body claiming 4444... bytes had 1 GiB reserved for each part
                // (fuzz_multipart's long run; under ASan 4.7 s to map and poison it); beyond, the
                // buffer grows as the bytes come.
                std::size_t expected = lastBodySize_;
                if (const auto length = part_.headers.find("content-length");
                    length != part_.headers.end()) {
                    expected = static_cast<std::size_t>(std::min<unsigned long long>(
                        std::strtoull(length->second.c_str(), nullptr, 10),
                        std::uint64_t{64} << 20));
                }
                part_.body.reserve(expected + delimiter_.size() + 64);
                part_.body.assign(pending_.begin() + static_cast<std::ptrdiff_t>(end + skip),
                                  pending_.end());
                pending_.clear();
                searched_ = 0;
                state_ = State::Body;
                break;
            }
            case State::Body: {
                // Search only the new bytes (and the tail that may hold a split delimiter).
                const std::size_t from =
                    searched_ >= delimiter_.size() ? searched_ - delimiter_.size() + 1 : 0;
                // memchr finds the delimiter's CR at memory speed; pixel data has few of them.
                const auto* begin = reinterpret_cast<const char*>(part_.body.data());
                const char* end = begin + part_.body.size();
                const char* at = begin + from;
                const char* found = nullptr;
                while (at < end) {
                    at = static_cast<const char*>(
                        std::memchr(at, '\r', static_cast<std::size_t>(end - at)));
                    if (at == nullptr) {
                        break;
                    }
                    const std::size_t left = static_cast<std::size_t>(end - at);
                    if (left < delimiter_.size()) {
                        if (std::memcmp(at, delimiter_.data(), left) == 0) {
                            break;  // perhaps the start of a delimiter: wait for more bytes
                        }
                    } else if (std::memcmp(at, delimiter_.data(), delimiter_.size()) == 0) {
                        found = at;
                        break;
                    }
                    ++at;
                }
                if (found == nullptr) {
                    searched_ = part_.body.size();
                    return;
                }
                lastBodySize_ = static_cast<std::size_t>(found - begin);
                emit(lastBodySize_);
                break;
            }
            case State::Epilogue:
                return;
        }
    }
}

void MultipartParser::finish() {
    if (state_ == State::Epilogue) {
        return;
    }
    if (state_ == State::Preamble) {
        throw Error("malformed multipart answer: no boundary in the body");
    }
    throw Error("the answer ended in the middle of part " + std::to_string(parts_ + 1) +
                " (no closing boundary after " + std::to_string(parts_) + " complete parts)");
}

}  // namespace dcmlens::net
