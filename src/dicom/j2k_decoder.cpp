#include "dicom/j2k_decoder.hpp"

#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.hpp"

namespace dcmlens::dicom {

namespace {

// A read-only memory stream for OpenJPEG.
struct MemorySource {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t pos;
};

OPJ_SIZE_T readMemory(void* buffer, OPJ_SIZE_T bytes, void* user) {
    auto* src = static_cast<MemorySource*>(user);
    if (src->pos >= src->size) {
        return static_cast<OPJ_SIZE_T>(-1);
    }
    const std::size_t n = std::min<std::size_t>(bytes, src->size - src->pos);
    std::memcpy(buffer, src->data + src->pos, n);
    src->pos += n;
    return n;
}

OPJ_OFF_T skipMemory(OPJ_OFF_T bytes, void* user) {
    auto* src = static_cast<MemorySource*>(user);
    const OPJ_OFF_T target = std::clamp<OPJ_OFF_T>(static_cast<OPJ_OFF_T>(src->pos) + bytes, 0,
                                                   static_cast<OPJ_OFF_T>(src->size));
    const OPJ_OFF_T moved = target - static_cast<OPJ_OFF_T>(src->pos);
    src->pos = static_cast<std::size_t>(target);
    return moved;
}

OPJ_BOOL seekMemory(OPJ_OFF_T offset, void* user) {
    auto* src = static_cast<MemorySource*>(user);
    if (offset < 0 || static_cast<std::size_t>(offset) > src->size) {
        return OPJ_FALSE;
    }
    src->pos = static_cast<std::size_t>(offset);
    return OPJ_TRUE;
}

void collectError(const char* message, void* user) {
    auto* text = static_cast<std::string*>(user);
    if (text->empty() && message) {
        *text = message;
        while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) {
            text->pop_back();
        }
    }
}
void ignoreMessage(const char*, void*) {}

bool isJp2File(const std::uint8_t* data, std::size_t size) {
    static const std::uint8_t signature[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50,
                                             0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A};
    return size >= sizeof signature && std::memcmp(data, signature, sizeof signature) == 0;
}

struct CodecDeleter {
    void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamDeleter {
    void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageDeleter {
    void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};

}  // namespace

J2kImage decodeJ2k(const std::uint8_t* data, std::size_t size, const J2kShape& expected) {
    if (size < 2) {
        throw Error("JPEG 2000 frame is empty");
    }
    MemorySource source{data, size, 0};
    std::unique_ptr<opj_codec_t, CodecDeleter> codec(
        opj_create_decompress(isJp2File(data, size) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
    std::string error;
    opj_set_error_handler(codec.get(), collectError, &error);
    opj_set_warning_handler(codec.get(), ignoreMessage, nullptr);
    opj_set_info_handler(codec.get(), ignoreMessage, nullptr);

    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec.get(), &parameters)) {
        throw Error("cannot set up the JPEG 2000 decoder");
    }

    std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_default_create(OPJ_TRUE));
    opj_stream_set_user_data(stream.get(), &source, nullptr);
    opj_stream_set_user_data_length(stream.get(), size);
    opj_stream_set_read_function(stream.get(), readMemory);
    opj_stream_set_skip_function(stream.get(), skipMemory);
    opj_stream_set_seek_function(stream.get(), seekMemory);

    opj_image_t* raw = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &raw)) {
        throw Error("JPEG 2000 header is invalid" + (error.empty() ? "" : ": " + error));
    }
    std::unique_ptr<opj_image_t, ImageDeleter> image(raw);
    // The reference grid's size (SIZ, ITU-T T.800 A.5.1); OpenJPEG allocates every component's
    // samples for it in opj_decode.
    const std::uint64_t gridWidth = image->x1 > image->x0 ? image->x1 - image->x0 : 0;
    const std::uint64_t gridHeight = image->y1 > image->y0 ? image->y1 - image->y0 : 0;
    if (gridWidth != static_cast<std::uint64_t>(expected.width) ||
        gridHeight != static_cast<std::uint64_t>(expected.height) ||
        image->numcomps != static_cast<OPJ_UINT32>(expected.components)) {
        throw Error("JPEG 2000 codestream is " + std::to_string(gridWidth) + "x" +
                    std::to_string(gridHeight) + "x" + std::to_string(image->numcomps) +
                    " but the header says " + std::to_string(expected.width) + "x" +
                    std::to_string(expected.height) + "x" + std::to_string(expected.components));
    }
    if (!opj_decode(codec.get(), stream.get(), image.get()) ||
        !opj_end_decompress(codec.get(), stream.get())) {
        throw Error("JPEG 2000 data cannot be decoded" + (error.empty() ? "" : ": " + error));
    }
    if (image->numcomps == 0) {
        throw Error("JPEG 2000 image has no components");
    }

    J2kImage out;
    const opj_image_comp_t& first = image->comps[0];
    out.width = static_cast<int>(first.w);
    out.height = static_cast<int>(first.h);
    out.components = static_cast<int>(image->numcomps);
    out.precision = static_cast<int>(first.prec);
    out.isSigned = first.sgnd != 0;
    for (int c = 0; c < out.components; ++c) {
        const opj_image_comp_t& comp = image->comps[c];
        if (comp.w != first.w || comp.h != first.h || comp.data == nullptr) {
            throw Error("JPEG 2000 components are subsampled, which dcmlens does not support");
        }
    }
    const std::size_t pixels = static_cast<std::size_t>(out.width) * out.height;
    out.samples.resize(pixels * out.components);
    for (int c = 0; c < out.components; ++c) {
        const OPJ_INT32* src = image->comps[c].data;
        for (std::size_t i = 0; i < pixels; ++i) {
            out.samples[i * out.components + c] = src[i];
        }
    }
    return out;
}

}  // namespace dcmlens::dicom
