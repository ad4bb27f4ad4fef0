#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dcmlens::dicom {

// One JPEG 2000 / HTJ2K codestream decoded by OpenJPEG: components interleaved, each sample as
// the codestream's integer (multi-component transforms RCT/ICT already undone by the decoder).
struct J2kImage {
    int width = 0;
    int height = 0;
    int components = 0;
    int precision = 0;  // bits of the first component
    bool isSigned = false;
    std::vector<std::int32_t> samples;  // width * height * components, interleaved
};

// The image the DICOM header describes: a codestream of another size or component count is
// refused after its header is read, before OpenJPEG allocates for what the codestream claims.
struct J2kShape {
    int width = 0;
    int height = 0;
    int components = 0;
};

// Decodes a J2K codestream, or a JP2 file if it starts with the JP2 signature box.
// Throws dcmlens::Error on malformed data, or on a codestream that is not `expected`.
J2kImage decodeJ2k(const std::uint8_t* data, std::size_t size, const J2kShape& expected);

}  // namespace dcmlens::dicom
