#include "io/file_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "common/error.hpp"
#include "common/system_error.hpp"

namespace dcmlens::io {

std::string writeFailure(const std::string& path, int error) {
    std::string reason = error != 0 ? systemReason(error) : "write error";
    if (error == ENOENT) {
        const std::filesystem::path folder = std::filesystem::path(path).parent_path();
        std::error_code ec;
        if (!folder.empty() && !std::filesystem::is_directory(folder, ec)) {
            reason = "no such folder " + folder.string();
        }
    }
    return "cannot write " + path + ": " + reason;
}

void writeFile(const std::string& path, const void* data, std::size_t size) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        throw Error(writeFailure(path, errno));
    }
    errno = 0;
    const bool written = std::fwrite(data, 1, size, file) == size && std::fflush(file) == 0;
    int error = errno;
    if (std::fclose(file) != 0 && written) {
        error = errno;
        throw Error(writeFailure(path, error));
    }
    if (!written) {
        throw Error(writeFailure(path, error));
    }
}

}  // namespace dcmlens::io
