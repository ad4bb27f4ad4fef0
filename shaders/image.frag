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
//   VOLUME          1: a plane of a volume (grey only): the layers are slices, sampled at 16.16
//                   fixed-point positions (pixel/reformat.hpp), from CHUNKS chunks of layers
//   UNEVEN          1: slices found through per-slice positions (uneven spacing, gaps)
//   PROJECTION      slab projection: 0 none (the plane), 1 MIP, 2 MinIP, 3 mean
//   DIRECT          1: every slice resident at layer u_layer0 + k * u_layerStep with the same
//                   rescale (u_slope, u_intercept): no per-slice table to read
//   COARSE          1: the float test first, for views whose far points could wrap the integers

uniform STORED_SAMPLER u_stored;  // one layer per frame, values as decoded
uniform int u_layer;
uniform ivec2 u_imageSize;  // the whole image
uniform ivec4 u_tile;       // x, y, width, height of this tile's texture inside the image
uniform ivec4 u_owned;      // the pixels this tile draws (its texture adds a 1-pixel margin)

// Output pixel -> view pixel (the flip and rotation: an integer signed permutation plus an
// offset, pixel::pixelTransform) -> image pixel, in integers (src/pixel/view_sampling.hpp,
// docs/pipeline.md "Sampling"): the CPU reference evaluates the same formula, so both pick the
// same pixel and the same bilinear weights at every size, zoom and pan, ties included. Per view
// axis: the position P = base + d * step + ((d * stepFraction) >> 16), d = view - anchor, in
// 2^-F image pixels; integer arithmetic is exact everywhere. Only output pixels that show the
// image are shaded (the renderer scissors them and clears the rest to black), so P is in
// [0, size * 2^F) here.
uniform ivec2 u_viewAnchor;
uniform ivec2 u_viewBase;
uniform uvec2 u_viewStep;
uniform uvec2 u_viewStepFraction;
uniform ivec2 u_viewFractionBits;  // F
uniform ivec2 u_viewHalf;          // 2^(F-1): bilinear positions are relative to pixel centres
uniform ivec2 u_viewMask;          // 2^F - 1
uniform vec2 u_viewUnit;           // 2^-F, exact: the weights are exact floats
uniform int u_outputHeight;
uniform ivec4 u_turn;        // a00, a01, a10, a11
uniform ivec2 u_turnOffset;  // b0, b1

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

vec4 levelColor(int k) {
#if GRAY_OUTPUT
    return vec4(vec3(float(k) / 255.0), 1.0);
#else
    return vec4(vec3(texelFetch(u_colormap, ivec2(k, 0), 0).rgb) / 255.0, 1.0);
#endif
}
#endif  // COLOR_MODE == 0

#if VOLUME
// Multiplanar reformatting and slab projections (pixel/reformat.cpp is the same code in double:
// every integer here is computed identically there, so both pick the same voxels and weights).
uniform STORED_SAMPLER u_chunks[CHUNKS];  // the stack's chunks of layers
uniform int u_chunkLayers;
uniform isampler2D u_sliceInfo;  // per slice, 256 a row: layer (-1: not loaded), slope, intercept
uniform ivec3 u_volumeSize;      // columns, rows, slices
#if UNEVEN
uniform isampler2D u_slicePos;  // per slice: position u, column and row offset (16.16)
uniform isampler2D u_buckets;   // per half unit of u: the last slice at or below its start
uniform int u_bucketCount;
uniform ivec2 u_sliceRange;     // u inside the volume: [x, y)
#endif
// Column, row and slice coordinate as FixedLinear (pixel/reformat.hpp) of (x, y, j).
uniform ivec3 u_base;
uniform ivec3 u_xHi;
uniform uvec3 u_xLo;
uniform ivec3 u_yHi;
uniform uvec3 u_yLo;
uniform ivec3 u_jHi;
uniform uvec3 u_jLo;
// The same in float for the coarse test, and its limits.
uniform vec3 u_baseF;
uniform vec3 u_xF;
uniform vec3 u_yF;
uniform vec3 u_jF;
uniform vec3 u_coarseLow;
uniform vec3 u_coarseHigh;
uniform int u_samples;

ivec4 rowTable(isampler2D table, int index) {
    return texelFetch(table, ivec2(index & 255, index >> 8), 0);
}

uvec3 fixedTerm(uint n, ivec3 hi, uvec3 lo) {
    return n * uvec3(hi) + ((n * lo + 32768u) >> 16u);
}

#if DIRECT
uniform int u_layer0;
uniform int u_layerStep;
// The slice's layer and rescale, from uniforms: a loaded stack in its own order.
ivec4 sliceInfoOf(int k) {
    return ivec4(u_layer0 + k * u_layerStep, 0, 0, 0);
}
#else
ivec4 sliceInfoOf(int k) {
    return rowTable(u_sliceInfo, k);
}
#endif

int voxelAt(int layer, int x, int y) {
#if CHUNKS == 1
    int l = layer;
#else
    int c = layer / u_chunkLayers;
    int l = layer - c * u_chunkLayers;
#endif
#if BUFFER_STORAGE
#define FETCH_CHUNK(k) int(texelFetch(u_chunks[k], (l * u_volumeSize.y + y) * u_volumeSize.x + x).r)
#else
#define FETCH_CHUNK(k) int(texelFetch(u_chunks[k], ivec3(x, y, l), 0).r)
#endif
    CHUNK_FETCHES  // the renderer's: "if (c == k) return FETCH_CHUNK(k);" for each chunk k
    return FETCH_CHUNK(0);
}

float sliceModality(ivec4 info, int s) {
#if MODALITY_LUT || DIRECT
    return modality(s);
#else
    return float(s) * intBitsToFloat(info.y) + intBitsToFloat(info.z);
#endif
}

#if LINEAR
// Bilinear in one slice at (c, r) (16.16), edges repeated: the 2D path's formula.
float bilinearIn(ivec4 info, ivec2 p) {
    ivec2 i0 = p >> 16;
    vec2 f = vec2(p & 0xFFFF) / 65536.0;
    ivec2 a = clamp(i0, ivec2(0), u_volumeSize.xy - 1);
    ivec2 b = clamp(i0 + 1, ivec2(0), u_volumeSize.xy - 1);
    float m00 = sliceModality(info, voxelAt(info.x, a.x, a.y));
    float m10 = sliceModality(info, voxelAt(info.x, b.x, a.y));
    float m01 = sliceModality(info, voxelAt(info.x, a.x, b.y));
    float m11 = sliceModality(info, voxelAt(info.x, b.x, b.y));
    return mix(mix(m00, m10, f.x), mix(m01, m11, f.x), f.y);
}
#endif

// Sample j of the pixel whose (x, y) part of the coordinates is vxy (fixed) and fxy (float):
// 0 outside the volume, 1 a value (m), 2 a slice it needs is not loaded.
int sampleVolume(uvec3 vxy, vec3 fxy, int j, out float m) {
    m = 0.0;
#if COARSE
    vec3 a = fxy + float(j) * u_jF;
    if (any(lessThan(a, u_coarseLow)) || any(greaterThan(a, u_coarseHigh))) {
        return 0;
    }
#endif
    ivec3 v = ivec3(vxy + fixedTerm(uint(j), u_jHi, u_jLo));
    int last = u_volumeSize.z - 1;
    int k0;
    int k1;
    int ks;
    float t = 0.0;
    ivec2 p0 = v.xy;
    ivec2 p1 = v.xy;
    ivec2 ps = v.xy;
#if UNEVEN
    if (v.z < u_sliceRange.x || v.z >= u_sliceRange.y) {
        return 0;
    }
    int k = rowTable(u_buckets, v.z < 0 ? 0 : min(v.z >> 15, u_bucketCount - 1)).r;
    ivec4 lower = rowTable(u_slicePos, k);
    ivec4 upper = lower;
    if (k < last) {
        upper = rowTable(u_slicePos, k + 1);
        if (v.z >= upper.x) {
            k += 1;
            lower = upper;
            upper = k < last ? rowTable(u_slicePos, k + 1) : lower;
        }
    }
    k0 = k;
    k1 = k;
    ks = k;
    ivec4 nearest = lower;
    ivec4 second = lower;
    if (k < last) {
        int gap = upper.x - lower.x;
        int d = v.z - lower.x;
        if (d >= gap - (gap >> 1)) {
            ks = k + 1;
            nearest = upper;
        }
        if (d > 0) {
            k1 = k + 1;
            second = upper;
            t = float(d) / float(gap);
        }
    }
    p0 = v.xy - lower.yz;
    p1 = v.xy - second.yz;
    ps = v.xy - nearest.yz;
#else
    ks = (v.z + 32768) >> 16;
    if (ks < 0 || ks > last) {
        return 0;
    }
    k0 = clamp(v.z >> 16, 0, last);
    k1 = clamp((v.z >> 16) + 1, 0, last);
    t = float(v.z & 0xFFFF) / 65536.0;
#endif
    ivec2 n = (ps + 32768) >> 16;
    if (any(lessThan(n, ivec2(0))) || any(greaterThanEqual(n, u_volumeSize.xy))) {
        return 0;
    }
#if LINEAR
    ivec4 i0 = sliceInfoOf(k0);
    if (i0.x < 0) {
        return 2;
    }
    m = bilinearIn(i0, p0);
    if (t > 0.0) {
        ivec4 i1 = sliceInfoOf(k1);
        if (i1.x < 0) {
            return 2;
        }
        m = mix(m, bilinearIn(i1, p1), t);
    }
#else
    ivec4 info = sliceInfoOf(ks);
    if (info.x < 0) {
        return 2;
    }
    m = sliceModality(info, voxelAt(info.x, n.x, n.y));
#endif
    return 1;
}

void main() {
    ivec2 o = ivec2(int(gl_FragCoord.x), u_outputHeight - 1 - int(gl_FragCoord.y));
    uint x = uint(o.x);
    uint y = uint(o.y);
    uvec3 vxy = uvec3(u_base) + fixedTerm(x, u_xHi, u_xLo) + fixedTerm(y, u_yHi, u_yLo);
#if COARSE
    vec3 fxy = u_baseF + float(o.x) * u_xF + float(o.y) * u_yF;
#else
    vec3 fxy = vec3(0.0);
#endif
#if PROJECTION == 0
    // The plane alone: one sample, no loop.
    float m;
    int state = sampleVolume(vxy, fxy, 0, m);
    if (state == 0) {
        fragColor = vec4(0.0, 0.0, 0.0, 1.0);
    } else if (state == 2) {
        fragColor = vec4(0.0);  // missing: alpha 0, never a grey that looks like data
    } else {
        fragColor = levelColor(levelOf(m));
    }
#else
    int count = 0;
    float acc = 0.0;
    for (int j = 0; j < u_samples; ++j) {
        float m;
        int state = sampleVolume(vxy, fxy, j, m);
        if (state == 0) {
            continue;
        }
        if (state == 2) {
            fragColor = vec4(0.0);  // missing: alpha 0, never a grey that looks like data
            return;
        }
#if PROJECTION == 1
        acc = count == 0 ? m : max(acc, m);
#elif PROJECTION == 2
        acc = count == 0 ? m : min(acc, m);
#else
        acc += m;
#endif
        count += 1;
    }
    if (count == 0) {
        fragColor = vec4(0.0, 0.0, 0.0, 1.0);
        return;
    }
#if PROJECTION == 3
    acc = acc / float(count);
#endif
    fragColor = levelColor(levelOf(acc));
#endif
}
#else  // !VOLUME

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
    ivec2 view = ivec2(u_turn.x * o.x + u_turn.y * o.y, u_turn.z * o.x + u_turn.w * o.y) +
                 u_turnOffset;
    uvec2 d = uvec2(view - u_viewAnchor);
    ivec2 p = u_viewBase + ivec2(d * u_viewStep + ((d * u_viewStepFraction) >> 16u));
    ivec2 ip = p >> u_viewFractionBits;  // a boundary belongs to the next pixel
#if TILED
    if (any(lessThan(ip, u_owned.xy)) || any(greaterThanEqual(ip, u_owned.xy + u_owned.zw))) {
        discard;  // another tile draws this pixel
    }
#endif
#if COLOR_MODE == 0
#if LINEAR
    ivec2 q = p - u_viewHalf;
    ivec2 i0 = q >> u_viewFractionBits;  // arithmetic: -1 left of the first centre
    vec2 f = vec2(q & u_viewMask) * u_viewUnit;
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
    fragColor = levelColor(levelOf(m));
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
#endif  // VOLUME
