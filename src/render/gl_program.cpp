#include "render/gl_program.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "common/error.hpp"

namespace dcmlens::render {

namespace {

GLuint compile(GLenum type, const std::string& source) {
    GLuint shader = glCreateShader(type);
    const char* text = source.c_str();
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        GLint length = 0;
        glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
        std::vector<char> log(static_cast<std::size_t>(length) + 1);
        glGetShaderInfoLog(shader, length, nullptr, log.data());
        glDeleteShader(shader);
        throw Error(std::string("shader does not compile: ") + log.data());
    }
    return shader;
}

}  // namespace

GlProgram::GlProgram(const std::string& vertexSource, const std::string& fragmentSource,
                     bool retrievable) {
    const GLuint vs = compile(GL_VERTEX_SHADER, vertexSource);
    GLuint fs = 0;
    try {
        fs = compile(GL_FRAGMENT_SHADER, fragmentSource);
    } catch (...) {
        glDeleteShader(vs);
        throw;
    }
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    if (retrievable && GLAD_GL_ARB_get_program_binary != 0) {
        glProgramParameteri(program_, GL_PROGRAM_BINARY_RETRIEVABLE_HINT, GL_TRUE);
    }
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        GLint length = 0;
        glGetProgramiv(program_, GL_INFO_LOG_LENGTH, &length);
        std::vector<char> log(static_cast<std::size_t>(length) + 1);
        glGetProgramInfoLog(program_, length, nullptr, log.data());
        glDeleteProgram(program_);
        throw Error(std::string("shader program does not link: ") + log.data());
    }
}

std::unique_ptr<GlProgram> GlProgram::fromBinary(GLenum format,
                                                 const std::vector<std::uint8_t>& bytes) {
    if (GLAD_GL_ARB_get_program_binary == 0 || bytes.empty() ||
        bytes.size() > static_cast<std::size_t>(std::numeric_limits<GLsizei>::max())) {
        return nullptr;
    }
    const GLuint program = glCreateProgram();
    glProgramBinary(program, format, bytes.data(), static_cast<GLsizei>(bytes.size()));
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        glDeleteProgram(program);
        return nullptr;
    }
    return std::unique_ptr<GlProgram>(new GlProgram(program));
}

bool GlProgram::binary(GLenum& format, std::vector<std::uint8_t>& bytes) const {
    if (GLAD_GL_ARB_get_program_binary == 0) {
        return false;
    }
    GLint length = 0;
    glGetProgramiv(program_, GL_PROGRAM_BINARY_LENGTH, &length);
    if (length <= 0) {
        return false;
    }
    bytes.resize(static_cast<std::size_t>(length));
    GLsizei written = 0;
    glGetProgramBinary(program_, length, &written, &format, bytes.data());
    bytes.resize(static_cast<std::size_t>(std::max<GLsizei>(written, 0)));
    return !bytes.empty();
}

GlProgram::~GlProgram() {
    glDeleteProgram(program_);
}

}  // namespace dcmlens::render
