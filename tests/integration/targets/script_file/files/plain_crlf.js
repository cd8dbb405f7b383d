function filter(request) {
  // "{{ not_a_variable }}" is JavaScript text here
  return true;
}