#include "app/raw_words.hpp"

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::app {

const model::PixelBuffer* RawWords::of(const model::Instance& instance, int frame) {
    const std::string& path = instance.path;
    if (path.rfind("demo:", 0) == 0) {
        return nullptr;
    }
    if (path_ != path || frame_ != frame) {
        try {
            // From the file, or from the bytes of an instance retrieved into memory.
            words_ = dicom::openInstance(instance)->decodeRawFrame(frame);
        } catch (const Error&) {
            words_ = model::PixelBuffer();
        }
        path_ = path;
        frame_ = frame;
    }
    return words_.empty() ? nullptr : &words_;
}

}  // namespace dcmlens::app
