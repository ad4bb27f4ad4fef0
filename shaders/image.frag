// The DICOM display pipeline (docs/pipeline.md), stage for stage the same as src/pixel/:
// stored -> modality -> VOI -> polarity -> 8 bits -> colormap, or one of the colour paths.
//
// One body, specialised by the prefix the renderer puts in front of it (a GPU without uniform
// branches would otherwise run every path for every pixel):
//   STORED_SAMPLER  usampler2DArray or isampler2DArray: stored values, read exactly (texelFetch);
//                   usamplerBuffer or isamplerBuffer with BUFFER_STORAGE
//   BUFFER_STORAGE  1: the layers lie one after another in a buffer texture (shared memory)
//   COLOR_MODE      0 grey, 1 RGB, 2 8-bit YBR (term tables), 3 palette, 4 deeper YBR
//   LINEAR          1: bilinear interpolation of modality values (grey only)
//   MODALITY_LUT    1: Modality LUT instead of rescale
//   VOI_LUT         1: VOI LUT instead of a window / no VOI
//   SIGMOID         1: the window's function is SIGMOID (its exp() costs every pixel otherwise)
//   GRAY_OUTPUT     1: the gray colormap: the level itself, without a table fetch
//   TILED           1: the image is split into tiles and this one draws only its own pixels

uniform STORED_SAMPLER u_stored;  // one layer per frame, values as decoded
uniform int u_layer;
uniform ivec2 u_imageSize;  // the whole image
uniform ivec4 u_tile;       // x, y, width, height of this tile's texture inside the image
uniform ivec4 u_owned;      // the pixels this tile draws (its texture adds a 1-pixel margin)

// Output pixel -> image pixel, in integers (src/pixel/view_sampling.hpp, docs/pipeline.md
// "Sampling"): the CPU reference evaluates the same formula, so both pick the same pixel and the
// same bilinear weights at every size, zoom and pan, ties included. Per axis: the position
// P = base + d * step + ((d * stepFraction) >> 16), d = o - anchor, in 2^-F image pixels; integer
// arithmetic is exact everywhere. Only output pixels that show the image are shaded (the renderer
// scissors them and clears the rest to black), so P is in [0, size * 2^F) here.
uniform ivec2 u_anchor;
uniform ivec2 u_base;
uniform uvec2 u_step;
uniform uvec2 u_stepFraction;
uniform ivec2 u_fractionBits;  // F
uniform ivec2 u_half;          // 2^(F-1): bilinear positions are relative to pixel centres
uniform ivec2 u_mask;          // 2^F - 1
uniform vec2 u_unit;           // 2^-F, exact: the weights are exact floats
uniform int u_outputHeight;

out vec4 fragColor;

ivec4 storedAt(ivec2 p) {
#if BUFFER_STORAGE
    ivec2 q = clamp(p, ivec2(0), u_imageSize - 1);  // edges repeat
    return ivec4(texelFetch(u_stored, (u_layer * u_imageSize.y + q.y) * u_imageSize.x + q.x));
#else
    ivec2 q = clamp(p, ivec2(0), u_imageSize - 1) - u_tile.xy;  // edges repeat
    q = clamp(q, ivec2(0), u_tile.zw - 1);
    return ivec4(texelFetch(u_stored, ivec3(q, u_layer), 0));
#endif
}

uint tableAt(usampler2D table, int index) {
    return texelFetch(table, ivec2(index & 255, index >> 8), 0).r;
}

#if COLOR_MODE == 0
// Modality (PS3.3 C.11.1).
#if MODALITY_LUT
uniform usampler2D u_modalityTable;  // 256 entries per row
uniform int u_modalityFirst;
uniform int u_modalityCount;
float modality(int s) {
    return float(tableAt(u_modalityTable, clamp(s - u_modalityFirst, 0, u_modalityCount - 1)));
}
#else
uniform float u_slope;
uniform float u_intercept;
float modality(int s) {
    return float(s) * u_slope + u_intercept;
}
#endif

// VOI (PS3.3 C.11.2), polarity and quantisation.
uniform bool u_invert;
#if !GRAY_OUTPUT
uniform usampler2D u_colormap;  // 256 x 1 RGBA: level -> colour
#endif
#if VOI_LUT
// A VOI LUT: output = low + entry * gradient, truncated as DCMTK does.
uniform usampler2D u_voiTable;
uniform int u_voiFirst;
uniform int u_voiCount;
uniform float u_gradient;
int levelOf(float m) {
    int i = clamp(int(floor(m)) - u_voiFirst, 0, u_voiCount - 1);
    float y = (u_invert ? 255.0 : 0.0) + float(tableAt(u_voiTable, i)) * u_gradient;
    return clamp(int(floor(y)), 0, 255);
}
#else
// A window (LINEAR, LINEAR_EXACT, SIGMOID) or no VOI is a monotonic step function of m whose 255
// steps come from the CPU pipeline in double (pixel/level_thresholds.hpp). A float32 estimate of
// the level is corrected against them, so the thresholds decide, exactly.
uniform float u_thresholds[256];
uniform bool u_falling;
uniform float u_leftBorder;
uniform float u_rightBorder;
uniform float u_estimateOrigin;     // the window's left border (no VOI: the lowest value),
uniform float u_estimateOriginLow;  // as a float and the rest of it
uniform float u_estimateBase;       // the level there
uniform float u_estimateGradient;
#if SIGMOID
uniform float u_center;     // the window centre as a float, and the rest of it
uniform float u_centerLow;
uniform float u_width;
#endif

bool reaches(float m, int k) {
    return u_falling ? m < u_thresholds[k] : m >= u_thresholds[k];
}

int levelOf(float m) {
    float low = u_invert ? 255.0 : 0.0;
    float y;
#if SIGMOID
    y = (255.0 - 2.0 * low) / (1.0 + exp(-4.0 * ((m - u_center) - u_centerLow) / u_width)) + low;
#else
    if (m <= u_leftBorder) {
        y = low;
    } else if (m > u_rightBorder) {
        y = 255.0 - low;
    } else {
        // Relative to the window's edge: m - origin keeps its precision, so the estimate is
        // within a small fraction of a level even for large values and narrow windows.
        y = u_estimateBase + ((m - u_estimateOrigin) - u_estimateOriginLow) * u_estimateGradient;
    }
#endif
    // Clamped as a float: int() of a float beyond the int range is undefined (a step's estimate
    // is +-3e38).
    int k = int(clamp(floor(y), 0.0, 255.0));
    // The estimate is off by at most one level, at a step's boundary: one correction.
    bool up = k < 255 && reaches(m, k + 1);
    bool down = !up && k > 0 && !reaches(m, k);
    return k + int(up) - int(down);
}
#endif
#endif  // COLOR_MODE == 0

#if COLOR_MODE != 0
uniform int u_bits;  // bits of colour samples (to reduce to 8)

// DCMTK's reduction to 8 bits: a right shift, or a gain for shallower samples.
int colorTo8Bit(int v, int bits) {
    if (bits >= 8) {
        // Unsigned shift: 32-bit samples keep their bit pattern through int().
        return int(min(uint(v) >> uint(bits - 8), 255u));
    }
    return clamp(int(float(v) * (255.0 / float((1 << bits) - 1))), 0, 255);
}
#endif

#if COLOR_MODE == 2
uniform isampler2D u_ybrRedBlue;  // 256 x 1: r = red term by Cr, g = blue term by Cb
uniform isampler2D u_ybrGreen;    // 256 x 256: green term at (Cr, Cb)
#endif
#if COLOR_MODE == 3
uniform usampler2D u_palette;  // 256 entries per row, RGB in r, g, b
uniform ivec3 u_paletteBits;
uniform int u_paletteFirst;
uniform int u_paletteCount;
#endif

void main() {
    ivec2 o = ivec2(int(gl_FragCoord.x), u_outputHeight - 1 - int(gl_FragCoord.y));
    uvec2 d = uvec2(o - u_anchor);
    ivec2 p = u_base + ivec2(d * u_step + ((d * u_stepFraction) >> 16u));
    ivec2 ip = p >> u_fractionBits;  // a boundary belongs to the next pixel
#if TILED
    if (any(lessThan(ip, u_owned.xy)) || any(greaterThanEqual(ip, u_owned.xy + u_owned.zw))) {
        discard;  // another tile draws this pixel
    }
#endif
#if COLOR_MODE == 0
#if LINEAR
    ivec2 q = p - u_half;
    ivec2 i0 = q >> u_fractionBits;  // arithmetic: -1 left of the first centre (edges repeat)
    vec2 f = vec2(q & u_mask) * u_unit;
    float m00 = modality(storedAt(i0).r);
    float m10 = modality(storedAt(i0 + ivec2(1, 0)).r);
    float m01 = modality(storedAt(i0 + ivec2(0, 1)).r);
    float m11 = modality(storedAt(i0 + ivec2(1, 1)).r);
    // The CPU's formula, term for term: the weights and 1 - weight are exact, so each product
    // rounds once (or fuses), which keeps float within a level of the CPU's double.
    float top = m00 * (1.0 - f.x) + m10 * f.x;
    float bottom = m01 * (1.0 - f.x) + m11 * f.x;
    float m = top * (1.0 - f.y) + bottom * f.y;
#else
    float m = modality(storedAt(ip).r);
#endif
    int k = levelOf(m);
#if GRAY_OUTPUT
    fragColor = vec4(vec3(float(k) / 255.0), 1.0);
#else
    fragColor = vec4(vec3(texelFetch(u_colormap, ivec2(k, 0), 0).rgb) / 255.0, 1.0);
#endif
#else
    ivec4 s = storedAt(ip);
    ivec3 rgb;
#if COLOR_MODE == 1
    rgb = ivec3(colorTo8Bit(s.r, u_bits), colorTo8Bit(s.g, u_bits), colorTo8Bit(s.b, u_bits));
#elif COLOR_MODE == 2
    int cb = clamp(s.g, 0, 255);
    int cr = clamp(s.b, 0, 255);
    int red = texelFetch(u_ybrRedBlue, ivec2(cr, 0), 0).r;
    int blue = texelFetch(u_ybrRedBlue, ivec2(cb, 0), 0).g;
    int green = texelFetch(u_ybrGreen, ivec2(cr, cb), 0).r;
    rgb = clamp(ivec3(s.r + red, s.r + green, s.r + blue), 0, 255);
#elif COLOR_MODE == 3
    int i = clamp(s.r - u_paletteFirst, 0, u_paletteCount - 1);
    uvec3 e = texelFetch(u_palette, ivec2(i & 255, i >> 8), 0).rgb;
    rgb = ivec3(colorTo8Bit(int(e.r), u_paletteBits.r), colorTo8Bit(int(e.g), u_paletteBits.g),
                colorTo8Bit(int(e.b), u_paletteBits.b));
#else
    // DCMTK's real-valued formula for deeper YBR data (diyf2pxt.h), then reduced to 8 bits.
    float maxValue = float((1 << u_bits) - 1);
    vec3 c = vec3(s.rgb);
    vec3 d = vec3(c.x + 1.4020 * c.z - 0.7010 * maxValue,
                  c.x - 0.3441 * c.y - 0.7141 * c.z + 0.5291 * maxValue,
                  c.x + 1.7720 * c.y - 0.8859 * maxValue);
    ivec3 v = ivec3(clamp(d, vec3(0.0), vec3(maxValue)));
    rgb = ivec3(colorTo8Bit(v.r, u_bits), colorTo8Bit(v.g, u_bits), colorTo8Bit(v.b, u_bits));
#endif
    fragColor = vec4(vec3(rgb) / 255.0, 1.0);
#endif
}
