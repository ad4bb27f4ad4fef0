// JPEG colour sniffing (dicom/jpeg_color.hpp): the markers that say whether a stream labelled RGB
// holds YCbCr (JFIF APP0, Adobe APP14, subsampled chroma in a SOF), and the conversion applied to
// the decoded samples when it does.

#include <cstdint>
#include <vector>

#include "dicom/jpeg_color.hpp"
#include "fuzz_support.hpp"

using namespace dcmlens;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // An exact-size copy: reads past the stream's end show as such under ASan.
    const std::vector<std::uint8_t> stream(data, data + size);
    if (dicom::jpegHoldsYcc(stream.data(), stream.size())) {
        std::vector<std::uint8_t> samples(stream.begin(), stream.end() - stream.size() % 3);
        dicom::jpegYccToRgb(samples.data(), samples.size() / 3);
    }
    return 0;
}
