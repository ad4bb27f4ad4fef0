// A DICOMDIR (PS3.3 F.3): the directory records' hierarchy and the Referenced File IDs, resolved
// against a private folder that holds a few referenced files (IMAGES/IM1, IMAGES/IM2, im3).

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "dicom/dicomdir.hpp"
#include "dicom/dictionary.hpp"
#include "fuzz_support.hpp"

using namespace dcmlens;

namespace {

std::string folder;

void touch(const std::string& path) {
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fputs("DICM", f);
        std::fclose(f);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    dicom::useCompiledDictionary();
    char pattern[] = "/tmp/dcmlens-fuzz-dicomdir-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
        std::abort();
    }
    folder = pattern;
    ::mkdir((folder + "/IMAGES").c_str(), 0700);
    touch(folder + "/IMAGES/IM1");
    touch(folder + "/IMAGES/IM2");
    touch(folder + "/im3");
    // The folder goes at exit (libFuzzer ends with exit()); a killed run leaves it in /tmp.
    std::atexit([] {
        for (const char* name : {"/IMAGES/IM1", "/IMAGES/IM2", "/im3", "/DICOMDIR"}) {
            ::unlink((folder + name).c_str());
        }
        ::rmdir((folder + "/IMAGES").c_str());
        ::rmdir(folder.c_str());
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = folder + "/DICOMDIR";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
        std::abort();
    }
    try {
        (void)dicom::readDicomdir(path);
    } catch (const Error&) {
    }
    (void)dicom::isDicomdir(path);
    return 0;
}
