// A DICOM file (a file in memory, or bytes as a PACS retrieval gives them), parsed and shown as
// dcmlens shows one: the header (attributes, tag tree, pixel
// layout, the series grouping and geometry checks of a header scan), every frame decoded (the
// first 8 and the last, one at a time, and all at once, and natively from the file where the
// header allows it), and the CPU pipeline rendered at 24 x 16, nearest and bilinear.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "dicom/dictionary.hpp"
#include "fuzz_support.hpp"
#include "pixel/render.hpp"
#include "series/series_builder.hpp"

using namespace dcmlens;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::setUpProcess();
    dicom::useCompiledDictionary();
    return 0;
}

namespace {

void render(const model::Instance& in, const model::PixelBuffer& frame, int instanceFrame) {
    const pixel::FrameRef ref{frame, 0, instanceFrame};
    const pixel::ViewMapping fit =
        pixel::fitView(frame.width(), frame.height(), pixel::pixelAspect(in.geometry), 24, 16);
    for (bool linear : {false, true}) {
        try {
            (void)pixel::renderView(in, ref, pixel::DisplayOptions{}, 24, 16, fit, linear);
        } catch (const Error&) {
        }
    }
    pixel::DisplayOptions stored;
    stored.stage = pixel::DisplayOptions::Stage::Stored;
    try {
        (void)pixel::renderView(in, ref, stored, 8, 8, fit, false);
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Both ways an instance arrives: as a file (memfd: the CLI's and the viewer's path) and as
    // bytes in memory (a PACS retrieval); which one, the input's length decides.
    static fuzz::MemoryFile file;
    std::unique_ptr<dicom::DicomFile> dicom;
    try {
        if (size % 2 == 0) {
            dicom = std::make_unique<dicom::DicomFile>(file.write(data, size));
        } else {
            dicom = std::make_unique<dicom::DicomFile>(
                std::make_shared<const std::vector<std::uint8_t>>(data, data + size), "fuzz.dcm");
        }
    } catch (const Error&) {
        return 0;
    }
    (void)dicom->tagTree();
    const model::Instance& in = dicom->instance();
    auto header = std::make_shared<model::Instance>(in);
    for (const series::SeriesStack& stack : series::buildStacks({header})) {
        (void)series::checkGeometry(stack);
    }
    if (!dicom->hasImage()) {
        return 0;
    }
    try {
        (void)dicom->pixelLayout();
    } catch (const Error&) {
    }
    const int frames = std::max(1, in.pixel.frames);
    for (int f = 0; f < frames; f = f < 7 ? f + 1 : std::max(f + 1, frames - 1)) {
        try {
            (void)dicom->frameData(f);
            (void)dicom->decodeRawFrame(f);
            const model::PixelBuffer frame = dicom->decodeFrame(f);
            render(dicom->instance(), frame, f);
        } catch (const Error&) {
        }
    }
    model::PixelBuffer destination;
    try {
        (void)dicom::readNativeFrames(*header, destination);
    } catch (const Error&) {
    }
    try {
        dicom->decodeAllFrames();
    } catch (const Error&) {
    }
    return 0;
}
