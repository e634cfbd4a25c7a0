# frozen_string_literal: true

# The real Ruby side of tests/test_psych_oracle.py: one process answers many questions.
# Each stdin line is JSON: {"op": "load", "text": ...} asks what
# Psych.safe_load(text, permitted_classes: [Date, Time], aliases: true) gives;
# {"op": "doc", "name": ..., "b64": ...} asks what Jekyll's own Document#read makes of a file
# of a collection. Each answer is one JSON line.
require "json"
require "base64"
require "date"
require "time"
require "psych"
require "tmpdir"
require "fileutils"

def encode(value)
  case value
  when nil then ["nil"]
  when true, false then ["bool", value]
  when Integer then ["int", value.to_s]
  when Float
    if value.nan? then ["float", "nan"]
    elsif value.infinite? then ["float", value.positive? ? "inf" : "-inf"]
    else ["float", value.to_s]
    end
  when String
    if value.encoding == Encoding::BINARY then ["bin", Base64.strict_encode64(value)]
    else ["str", value]
    end
  when Time then ["time", value.to_i, value.usec]
  when Date then ["date", value.to_s]
  when Array then ["list", value.map { |v| encode(v) }]
  when Hash then ["hash", value.map { |k, v| [encode(k), encode(v)] }]
  else ["obj", value.class.name]
  end
end

def load(text)
  encode(Psych.safe_load(text, permitted_classes: [Date, Time], aliases: true))
rescue Exception => e # rubocop:disable Lint/RescueException
  ["error", e.class.name, e.message[0, 200]]
end

$site = nil
$errors = []

def site
  return $site if $site

  require "jekyll"
  $root = Dir.mktmpdir("psych-oracle")
  at_exit { FileUtils.remove_entry($root) }
  FileUtils.mkdir_p(File.join($root, "_news"))
  config = Jekyll.configuration(
    "source" => $root, "destination" => File.join($root, "_site"), "quiet" => true,
    "collections" => { "news" => { "output" => true } }
  )
  Jekyll.logger.log_level = :error
  Jekyll.logger.define_singleton_method(:error) { |topic, message = nil| $errors << "#{topic} #{message}" }
  $site = Jekyll::Site.new(config)
end

def doc(name, bytes)
  s = site
  path = File.join($root, "_news", name)
  File.binwrite(path, bytes)
  $errors = []
  unless Jekyll::Utils.has_yaml_header?(path)
    return { "document" => false }
  end

  collection = s.collections["news"]
  document = Jekyll::Document.new(path, site: s, collection: collection)
  fatal = false
  begin
    document.read
  rescue Exception # rubocop:disable Lint/RescueException
    fatal = true
  end
  data = document.data
  {
    "document" => true, "fatal" => fatal, "problem" => !$errors.empty?,
    "renders" => data.fetch("published", true) ? true : false,
    "time" => data.key?("date") && data["date"].respond_to?(:to_i) ? data["date"].to_i : nil,
  }
ensure
  File.delete(path) if path && File.exist?(path)
end

def filtered(name)
  s = site
  path = File.join($root, "_news", name)
  File.binwrite(path, "---\n---\n")
  collection = s.collections["news"]
  collection.instance_variable_set(:@entries, nil)
  collection.instance_variable_set(:@filtered_entries, nil)
  { "read" => collection.filtered_entries.include?(name) }
ensure
  File.delete(path) if path && File.exist?(path)
end

def parse_date(text)
  site
  ["time", Jekyll::Utils.parse_date(text).to_i]
rescue Exception => e # rubocop:disable Lint/RescueException
  ["error", e.class.name]
end

$stdout.sync = true
$stdin.each_line do |line|
  request = JSON.parse(line)
  answer =
    case request["op"]
    when "load" then load(request["text"])
    when "doc" then doc(request["name"], Base64.decode64(request["b64"]))
    when "date" then parse_date(request["text"])
    when "filtered" then filtered(request["name"])
    end
  puts JSON.generate(answer)
end
