#pragma once

#include <exception>
#include <string>

#include "common/error.hpp"

namespace dcmlens::dicom {

// Runs a DCMTK call that may throw a standard exception from inside its parser or decoders
// (DCMTK 3.6.7's DcmByteString::verify throws std::out_of_range for a Directory Record Type
// longer than 16 characters, found by fuzz_dicomdir) and turns it into a dcmlens::Error: on a
// worker thread (the viewer's header scan) an escaping exception ends the process.
template <class F>
auto dcmtkCall(const char* what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;  // the CLI and the viewer say "out of memory" themselves
    } catch (const std::exception& e) {
        throw Error(std::string(what) + " (DCMTK failed: " + e.what() + ")");
    }
}

}  // namespace dcmlens::dicom
