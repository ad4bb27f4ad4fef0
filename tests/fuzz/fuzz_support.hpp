#pragma once

// What the fuzz targets share: the input as a file (DicomFile and the DICOMDIR reader take
// paths, and the path-based code is what the CLI and the viewer run), and the process settings
// a target makes once.

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace dcmlens::fuzz {

// One file in memory (memfd), rewritten for every input; its path is /proc/self/fd/N.
class MemoryFile {
public:
    MemoryFile() : fd_(::memfd_create("dcmlens-fuzz", MFD_CLOEXEC)) {
        if (fd_ < 0) {
            std::abort();
        }
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~MemoryFile() { ::close(fd_); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    const std::string& write(const std::uint8_t* data, std::size_t size) {
        if (::ftruncate(fd_, 0) != 0) {
            std::abort();
        }
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
            if (n <= 0) {
                std::abort();
            }
            done += static_cast<std::size_t>(n);
        }
        return path_;
    }

private:
    int fd_;
    std::string path_;
};

// The memory budget every target runs under (model/memory_budget.hpp): well below libFuzzer's
// 2 GB malloc limit, so an image a header claims too large is refused as it would be for a user,
// not reported as an out-of-memory crash.
inline void setUpProcess() {
    ::setenv("DCMLENS_MEMORY_BUDGET", "256M", 1);
}

}  // namespace dcmlens::fuzz
